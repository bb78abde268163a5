import { numberToHex, type Address, type Hex, type PublicClient } from "viem";

/** One transaction the story sends, at a chosen chain time. */
export interface ChainOp {
  chainId: number;
  /** Unix seconds the block holding it should carry. */
  time: number;
  from: Address;
  to: Address;
  data: Hex;
  /** Explicit, so nothing is estimated against a pending block. */
  gas: bigint;
  value?: bigint;
  /** Names the op in errors and in the result map. */
  tag: string;
}

/** Ops whose times fall in one slot of this many seconds share a block. */
const SLOT_SECONDS = 12;
const BLOCK_GAS_BUDGET = 25_000_000n;

/**
 * Plays transactions on anvil chains at chosen chain times: automine off, transactions of
 * one time slot sent together, then one block mined with the slot's timestamp. Timestamps
 * stay strictly increasing per chain. Throws naming the first op that reverted.
 * Returns each op's transaction hash by tag.
 */
export async function executeOps(
  clients: ReadonlyMap<number, PublicClient>,
  ops: readonly ChainOp[],
  onProgress?: (done: number, total: number) => void,
): Promise<Map<string, Hex>> {
  const hashes = new Map<string, Hex>();
  const sorted = [...ops].sort((a, b) => a.time - b.time);
  const lastTime = new Map<number, number>();
  for (const [chainId, client] of clients) {
    const head = await client.getBlock({ blockTag: "latest" });
    lastTime.set(chainId, Number(head.timestamp));
    await client.request({ method: "evm_setAutomine", params: [false] } as never);
  }
  try {
    let done = 0;
    for (const block of groupIntoBlocks(sorted)) {
      const client = clients.get(block.chainId);
      if (!client) throw new Error(`No client for chain ${block.chainId}`);
      const timestamp = Math.max(block.time, lastTime.get(block.chainId)! + 1);
      lastTime.set(block.chainId, timestamp);
      await mineBlock(client, block.ops, timestamp, hashes);
      done += block.ops.length;
      onProgress?.(done, sorted.length);
    }
  } finally {
    for (const client of clients.values()) {
      await client.request({ method: "evm_setAutomine", params: [true] } as never);
    }
  }
  return hashes;
}

function groupIntoBlocks(sorted: readonly ChainOp[]) {
  const blocks: { chainId: number; time: number; ops: ChainOp[]; gas: bigint }[] = [];
  const open = new Map<number, (typeof blocks)[number]>();
  for (const op of sorted) {
    // Ceiling, so a block is never earlier than any op it holds.
    const slot = Math.ceil(op.time / SLOT_SECONDS) * SLOT_SECONDS;
    const current = open.get(op.chainId);
    if (current && current.time === slot && current.gas + op.gas <= BLOCK_GAS_BUDGET) {
      current.ops.push(op);
      current.gas += op.gas;
      continue;
    }
    const block = { chainId: op.chainId, time: slot, ops: [op], gas: op.gas };
    blocks.push(block);
    open.set(op.chainId, block);
  }
  return blocks;
}

async function mineBlock(
  client: PublicClient,
  ops: readonly ChainOp[],
  timestamp: number,
  hashes: Map<string, Hex>,
) {
  const sent: { op: ChainOp; hash: Hex }[] = [];
  for (const op of ops) {
    const hash = (await client.request({
      method: "eth_sendTransaction",
      params: [
        {
          from: op.from,
          to: op.to,
          data: op.data,
          gas: numberToHex(op.gas),
          value: numberToHex(op.value ?? 0n),
        },
      ],
    } as never)) as Hex;
    sent.push({ op, hash });
  }
  await client.request({
    method: "evm_setNextBlockTimestamp",
    params: [numberToHex(timestamp)],
  } as never);
  await client.request({ method: "evm_mine", params: [] } as never);
  const receipts = await Promise.all(
    sent.map(({ hash }) => client.getTransactionReceipt({ hash })),
  );
  receipts.forEach((receipt, i) => {
    const { op, hash } = sent[i]!;
    if (receipt.status !== "success") {
      throw new Error(`Story transaction ${op.tag} reverted on chain ${op.chainId} (${hash}).`);
    }
    hashes.set(op.tag, hash);
  });
}
