import type { Address, Hex } from "viem";
import { RangeTooLargeError, redactUrl, type JsonRpcClient } from "./json-rpc";

/** A log as the indexer handles it: numbers parsed, hex lowercased. */
export interface RawLog {
  address: Address;
  topics: Hex[];
  data: Hex;
  blockNumber: bigint;
  blockHash: Hex;
  /** Unix seconds, when the provider includes it (anvil and recent geth/reth do). */
  blockTimestamp?: number;
  transactionHash: Hex;
  transactionIndex: number;
  logIndex: number;
}

/** The parts of a block header the indexer keeps. */
export interface BlockHeader {
  number: bigint;
  hash: Hex;
  parentHash: Hex;
  /** Unix seconds. */
  timestamp: number;
}

interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  blockTimestamp?: string;
  transactionHash: string;
  transactionIndex: string;
  logIndex: string;
  removed?: boolean;
}

const hex = (n: bigint) => `0x${n.toString(16)}`;

/**
 * `eth_getLogs` for some addresses over [fromBlock, toBlock], as one request. Throws
 * RangeTooLargeError when the provider refuses the range (or times out on it). Removed logs
 * (`removed: true`) are dropped.
 */
export async function getLogs(
  client: JsonRpcClient,
  args: { addresses: readonly Address[]; fromBlock: bigint; toBlock: bigint },
): Promise<RawLog[]> {
  const result = await client.request<RpcLog[] | null>(
    "eth_getLogs",
    [{ address: args.addresses, fromBlock: hex(args.fromBlock), toBlock: hex(args.toBlock) }],
    { timeoutMeansTooLarge: args.toBlock > args.fromBlock },
  );
  if (!Array.isArray(result)) throw new TypeError("eth_getLogs returned no array");
  const logs: RawLog[] = [];
  for (const l of result) {
    if (l.removed) continue;
    const log: RawLog = {
      address: l.address.toLowerCase() as Address,
      topics: l.topics.map((t) => t.toLowerCase() as Hex),
      data: l.data.toLowerCase() as Hex,
      blockNumber: BigInt(l.blockNumber),
      blockHash: l.blockHash.toLowerCase() as Hex,
      transactionHash: l.transactionHash.toLowerCase() as Hex,
      transactionIndex: Number(l.transactionIndex),
      logIndex: Number(l.logIndex),
    };
    if (l.blockTimestamp) log.blockTimestamp = Number(l.blockTimestamp);
    logs.push(log);
  }
  return logs;
}

/**
 * Chooses `eth_getLogs` block spans: grows while answers are small, shrinks when the provider
 * refuses or times out. Sizing by result count keeps each response (and the memory holding it)
 * bounded whatever the density of events.
 */
export interface RangeSizer {
  /** The span (in blocks) to ask for next. */
  readonly span: bigint;
  /** Records an answer of `count` logs over `blocks` blocks. */
  observe(count: number, blocks: bigint): void;
  /** Records a refusal of a range of `blocks` blocks. */
  refused(blocks: bigint): void;
}

export function createRangeSizer(
  options: { initial?: bigint; max?: bigint; targetLogs?: number } = {},
): RangeSizer {
  const max = options.max ?? 10_000n;
  const target = options.targetLogs ?? 2_000;
  let span = options.initial ?? 1_000n;
  return {
    get span() {
      return span;
    },
    observe(count, blocks) {
      if (count > target && blocks > 1n)
        span = maxBig(1n, (blocks * BigInt(target)) / BigInt(count));
      else if (count < target / 4 && blocks >= span) span = minBig(max, span * 2n);
    },
    refused(blocks) {
      span = maxBig(1n, minBig(span, blocks / 2n));
    },
  };
}

/**
 * All logs of [fromBlock, toBlock]: asks for the whole range and, when the provider refuses,
 * splits it in halves (recursively) and teaches `sizer` the smaller span. A single block that
 * is still refused is a provider limit we cannot work around: that error is rethrown.
 */
export async function getLogsSplitting(
  client: JsonRpcClient,
  args: { addresses: readonly Address[]; fromBlock: bigint; toBlock: bigint },
  sizer: RangeSizer,
): Promise<RawLog[]> {
  const blocks = args.toBlock - args.fromBlock + 1n;
  try {
    const logs = await getLogs(client, args);
    sizer.observe(logs.length, blocks);
    return logs;
  } catch (error) {
    if (!(error instanceof RangeTooLargeError) || blocks <= 1n) throw error;
    sizer.refused(blocks);
    const mid = args.fromBlock + blocks / 2n - 1n;
    const left = await getLogsSplitting(client, { ...args, toBlock: mid }, sizer);
    const right = await getLogsSplitting(client, { ...args, fromBlock: mid + 1n }, sizer);
    return left.concat(right);
  }
}

interface RpcBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
}

/** `eth_getBlockByNumber` (header only). Throws when the block does not exist (yet). */
export async function getBlockHeader(
  client: JsonRpcClient,
  block: bigint | "latest" | "finalized",
): Promise<BlockHeader> {
  const tag = typeof block === "bigint" ? hex(block) : block;
  const b = await client.request<RpcBlock | null>("eth_getBlockByNumber", [tag, false]);
  if (!b) throw new Error(`Block ${String(block)} does not exist on ${redactUrl(client.url)}`);
  return {
    number: BigInt(b.number),
    hash: b.hash.toLowerCase() as Hex,
    parentHash: b.parentHash.toLowerCase() as Hex,
    timestamp: Number(b.timestamp),
  };
}

/** `eth_blockNumber`. */
export async function getBlockNumber(client: JsonRpcClient): Promise<bigint> {
  return BigInt(await client.request<string>("eth_blockNumber", []));
}

/** `eth_chainId`. */
export async function getChainId(client: JsonRpcClient): Promise<number> {
  return Number(await client.request<string>("eth_chainId", []));
}

/** `eth_call` at a block. */
export async function ethCall(
  client: JsonRpcClient,
  args: { to: Address; data: Hex; blockNumber: bigint },
): Promise<Hex> {
  return client.request<Hex>("eth_call", [{ to: args.to, data: args.data }, hex(args.blockNumber)]);
}

const minBig = (a: bigint, b: bigint) => (a < b ? a : b);
const maxBig = (a: bigint, b: bigint) => (a > b ? a : b);
