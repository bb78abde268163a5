import { decodeEventLog, hexToString, type Abi, type Hex } from "viem";
import type { RawLog } from "@/lib/chain/get-logs";

// Note: viem's generic decodeEventLog runs at roughly 20k events/s on one core, below what
// the RPC and COPY sustain (see DESIGN.md). The hottest events (settlements and token
// transfers) have fixed layouts, so they are decoded here by slicing words directly; tests
// check these decoders against viem on the same logs.

/** The 32-byte word `i` of ABI data (without 0x), as 64 hex characters. */
function word(data: Hex, i: number): string {
  const start = 2 + i * 64;
  const w = data.slice(start, start + 64);
  if (w.length !== 64) throw new RangeError(`ABI data too short for word ${i}`);
  return w;
}

/** Dynamic `bytes` whose head offset is in word `i`, as 0x-hex. */
function dynamicBytes(data: Hex, i: number): Hex {
  const offset = Number.parseInt(word(data, i), 16);
  const at = 2 + offset * 2;
  const length = Number.parseInt(data.slice(at, at + 64), 16);
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length)) {
    throw new RangeError("ABI offset or length out of range");
  }
  const body = data.slice(at + 64, at + 64 + length * 2);
  if (body.length !== length * 2) throw new RangeError("ABI bytes run past the data");
  return `0x${body}`;
}

const addressFromTopic = (topic: Hex | undefined): Hex => {
  if (!topic || topic.length !== 66) throw new RangeError("missing indexed address");
  return `0x${topic.slice(26)}`;
};
const requireTopic = (topic: Hex | undefined): Hex => {
  if (!topic || topic.length !== 66) throw new RangeError("missing indexed bytes32");
  return topic;
};

export interface IndividualSettlementArgs {
  teeId: Hex;
  ethAddress: Hex;
  inputHash: Hex;
  outputHash: Hex;
  timestamp: bigint;
  walrusBlobId: Hex;
  signature: Hex;
}

/** `IndividualSettlement(bytes32 indexed, address indexed, bytes32, bytes32, uint256, bytes, bytes)`. */
export function decodeIndividualSettlement(log: RawLog): IndividualSettlementArgs {
  return {
    teeId: requireTopic(log.topics[1]),
    ethAddress: addressFromTopic(log.topics[2]),
    inputHash: `0x${word(log.data, 0)}`,
    outputHash: `0x${word(log.data, 1)}`,
    timestamp: BigInt(`0x${word(log.data, 2)}`),
    walrusBlobId: dynamicBytes(log.data, 3),
    signature: dynamicBytes(log.data, 4),
  };
}

/** `BatchSettlement(bytes32 indexed merkleRoot, uint256 batchSize, bytes walrusBlobId)`. */
export function decodeBatchSettlement(log: RawLog) {
  return {
    merkleRoot: requireTopic(log.topics[1]),
    batchSize: BigInt(`0x${word(log.data, 0)}`),
    walrusBlobId: dynamicBytes(log.data, 1),
  };
}

/** `Transfer(address indexed from, address indexed to, uint256 value)`. */
export function decodeTransfer(log: RawLog) {
  return {
    from: addressFromTopic(log.topics[1]),
    to: addressFromTopic(log.topics[2]),
    value: BigInt(`0x${word(log.data, 0)}`),
  };
}

/** Any other event, through viem against the source kind's ABI. */
export function decodeWithAbi(
  abi: Abi,
  log: RawLog,
): { eventName: string; args: Record<string, unknown> } {
  const decoded = decodeEventLog({
    abi,
    data: log.data,
    topics: log.topics as [Hex, ...Hex[]],
    strict: true,
  });
  return {
    eventName: String(decoded.eventName),
    args: (decoded.args ?? {}) as unknown as Record<string, unknown>,
  };
}

/** Bytes that should be UTF-8 text (a Walrus blob id); null when empty or not valid UTF-8. */
export function bytesToUtf8(bytes: Hex): string | null {
  if (bytes === "0x") return null;
  try {
    const text = hexToString(bytes);
    return text.includes("\uFFFD") ? null : text;
  } catch {
    return null;
  }
}

/** Decoded arguments as JSON: bigints become decimal strings, nested values kept. */
export function toJson(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(toJson);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]));
  }
  if (typeof value === "string") return value.replaceAll("\u0000", "");
  return value;
}
