import { decodeEventLog, decodeFunctionResult, encodeFunctionData, type Abi, type Hex } from "viem";
import {
  OPG_TOKEN_ABI,
  SETTLEMENT_RELAY_ABI,
  SETTLEMENT_RELAY_LEGACY_ABI,
  TEE_REGISTRY_ABI,
  TEE_REGISTRY_GET_TEE_V2_ABI,
} from "@/lib/chain/abis";
import { ethCall, getBlockHeader, getBlockNumber, getChainId } from "@/lib/chain/get-logs";
import { createJsonRpcClient, type JsonRpcClient } from "@/lib/chain/json-rpc";
import type { BundleOutput, EvidenceBundle } from "./bundle";
import { short, type Claim } from "./verify-bundle";

/**
 * With `--rpc`, the bundle's on-chain facts are read again from the chains themselves: each
 * cited log must be in the transaction's receipt at its index, in a block with that hash that
 * is still the canonical block at its height, and must decode to the values the bundle
 * states; each enclave key must be what the registry's getTEE returns. Node only (uses the
 * indexer's JSON-RPC client); the browser check stays offline.
 */
export async function verifyBundleOnChain(
  bundle: EvidenceBundle,
  rpcUrls: readonly string[],
): Promise<Claim[]> {
  const clients = new Map<number, JsonRpcClient>();
  for (const url of rpcUrls) {
    const client = createJsonRpcClient(url, { retries: 1, timeoutMs: 15_000 });
    clients.set(await getChainId(client), client);
  }
  const claims: Claim[] = [];
  for (const o of bundle.outputs) {
    const subject = `output ${short(o.outputHash)}`;
    if (o.enclave) {
      const enclave = o.enclave;
      const r = enclave.registration;
      claims.push(
        await onChain(clients, r.chainId, subject, "onchain_enclave", async (c) => {
          await checkLog(c, "enclave registration", r, TEE_REGISTRY_ABI, (args, name) =>
            name === "TEERegistered" && args.teeId === enclave.teeId
              ? null
              : `it is ${name} of ${String(args.teeId)}`,
          );
          return checkEnclaveKey(c, enclave);
        }),
      );
    }
    if (o.settlement) {
      const st = o.settlement;
      claims.push(
        await onChain(clients, st.chainId, subject, "onchain_settlement", (c) =>
          checkLog(
            c,
            "settlement",
            st,
            [...SETTLEMENT_RELAY_ABI, ...SETTLEMENT_RELAY_LEGACY_ABI],
            (args) => settlementMismatch(st, args),
          ),
        ),
      );
    }
    for (const p of o.payments) {
      claims.push(
        await onChain(clients, p.chainId, subject, "onchain_payment", (c) =>
          checkLog(c, "payment", p, OPG_TOKEN_ABI, (args, name) =>
            name === "Transfer" &&
            lower(args.from) === p.from &&
            lower(args.to) === p.to &&
            String(args.value) === p.value
              ? null
              : `it is ${name} ${lower(args.from)} → ${lower(args.to)} of ${String(args.value)}`,
          ),
        ),
      );
    }
  }
  return claims;
}

const lower = (v: unknown) => String(v).toLowerCase();

async function onChain(
  clients: Map<number, JsonRpcClient>,
  chainId: number,
  subject: string,
  kind: Claim["kind"],
  check: (client: JsonRpcClient) => Promise<string>,
): Promise<Claim> {
  const client = clients.get(chainId);
  if (!client)
    return { kind, subject, result: "skip", detail: `No --rpc given for chain ${chainId}.` };
  try {
    return { kind, subject, result: "pass", detail: await check(client) };
  } catch (error) {
    return {
      kind,
      subject,
      result: "fail",
      detail: error instanceof Error ? error.message : String(error),
    };
  }
}

interface RpcReceiptLog {
  address: string;
  topics: Hex[];
  data: Hex;
  blockHash: string;
  logIndex: string;
}

type LogRef = {
  chainId: number;
  address: string;
  blockNumber: string;
  blockHash: string;
  txHash: string;
  logIndex: number;
};

/** The log is in the receipt, in a canonical block with that hash, and decodes to the stated values. */
async function checkLog(
  client: JsonRpcClient,
  what: string,
  ref: LogRef,
  abi: Abi,
  mismatch: (args: Record<string, unknown>, eventName: string) => string | null,
): Promise<string> {
  const at = `${what} log ${ref.logIndex} of tx ${short(ref.txHash)} on chain ${ref.chainId}`;
  const receipt = await client.request<{ blockHash: string; logs: RpcReceiptLog[] } | null>(
    "eth_getTransactionReceipt",
    [ref.txHash],
  );
  if (!receipt) throw new Error(`The chain has no transaction ${ref.txHash} (${what}).`);
  const log = receipt.logs.find((l) => Number(l.logIndex) === ref.logIndex);
  if (!log) throw new Error(`The ${at} is not in the transaction's receipt.`);
  if (log.blockHash.toLowerCase() !== ref.blockHash) {
    throw new Error(`The ${at} is in block ${log.blockHash}, not ${ref.blockHash}.`);
  }
  if (log.address.toLowerCase() !== ref.address) {
    throw new Error(`The ${at} was emitted by ${log.address}, not ${ref.address}.`);
  }
  const canonical = await getBlockHeader(client, BigInt(ref.blockNumber));
  if (canonical.hash !== ref.blockHash) {
    throw new Error(
      `Block ${ref.blockNumber} is now ${canonical.hash}, not ${ref.blockHash}: the ${at} was reorged out.`,
    );
  }
  let decoded: { eventName: string; args: Record<string, unknown> };
  try {
    decoded = decodeEventLog({
      abi,
      topics: log.topics as [Hex, ...Hex[]],
      data: log.data,
    }) as unknown as typeof decoded;
  } catch (error) {
    throw new Error(
      `The ${at} cannot be decoded: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}.`,
    );
  }
  const problem = mismatch(decoded.args ?? {}, decoded.eventName);
  if (problem) throw new Error(`The ${at} says something else: ${problem}.`);
  return `The ${at} is in canonical block ${ref.blockNumber} (${short(ref.blockHash)}) and records the stated values.`;
}

function settlementMismatch(
  st: NonNullable<BundleOutput["settlement"]>,
  args: Record<string, unknown>,
): string | null {
  const pairs: [string, unknown, string | null][] = [
    ["teeId", args.teeId, st.teeId],
    ["inputHash", args.inputHash, st.inputHash],
    ["outputHash", args.outputHash, st.outputHash],
    ["merkleRoot", args.merkleRoot, st.merkleRoot],
    ["timestamp", args.timestamp, st.timestamp],
  ];
  const wrong = pairs.filter(
    ([, onChain, stated]) => onChain !== undefined && stated !== null && lower(onChain) !== stated,
  );
  return wrong.length
    ? wrong.map(([name, onChain]) => `${name} ${lower(onChain)}`).join(", ")
    : null;
}

/** getTEE(teeId) on the registry returns the bundle's key (at the read block, else at the head). */
async function checkEnclaveKey(
  client: JsonRpcClient,
  enclave: NonNullable<BundleOutput["enclave"]>,
): Promise<string> {
  const r = enclave.registration;
  const abi = r.abiVersion >= 2 ? TEE_REGISTRY_GET_TEE_V2_ABI : TEE_REGISTRY_ABI;
  const data = encodeFunctionData({ abi, functionName: "getTEE", args: [enclave.teeId as Hex] });
  let result: Hex;
  let block = BigInt(enclave.keyReadAtBlock);
  try {
    result = await ethCall(client, { to: r.address as Hex, data, blockNumber: block });
  } catch {
    // A node without historical state (or anvil loaded from a dump): the key cannot change
    // under its teeId, so the head answers the same question.
    block = await getBlockNumber(client);
    result = await ethCall(client, { to: r.address as Hex, data, blockNumber: block });
  }
  const tee = decodeFunctionResult({ abi, functionName: "getTEE", data: result }) as {
    publicKey: Hex;
  };
  if (tee.publicKey.toLowerCase() !== enclave.publicKey) {
    throw new Error(
      `getTEE(${short(enclave.teeId)}) on registry ${r.address} returns another public key at block ${block}.`,
    );
  }
  return `The TEERegistered log is in canonical block ${r.blockNumber}, and getTEE(${short(enclave.teeId)}) on registry ${r.address} (chain ${r.chainId}, block ${block}) returns the bundle's key.`;
}
