import type { Address, Hex } from "viem";
import type { RawLog } from "@/lib/chain/get-logs";
import type { JsonRpcClient } from "@/lib/chain/json-rpc";
import type { SourceKind } from "@/lib/chain/source-config";
import type { LogRef, RowBatch } from "../rows";

/** A configured source as the indexer holds it (its row in `source`, address lowercased). */
export interface IndexedSource {
  id: string;
  chainId: number;
  kind: SourceKind;
  address: Address;
  abiVersion: number;
  fromBlock: bigint;
  label: string;
  blobStoreUrl?: string;
  payees?: Address[];
}

/** What a source module may use while turning one range's logs into rows. */
export interface SourceContext {
  source: IndexedSource;
  rpc: JsonRpcClient;
  /** Every log of the range on this chain, from every source (for same-transaction joins). */
  chainLogs: readonly RawLog[];
  /** The other sources on this chain. */
  chainSources: readonly IndexedSource[];
  /** Unix seconds of the block a log is in. */
  timestampOf(log: RawLog): number;
}

/**
 * One kind of contract: which topics it decodes and how its logs become rows. Logs at the
 * source's address with any other topic0 are counted as unknown by the caller, not fatal.
 */
export interface SourceModule {
  kind: SourceKind;
  topics: ReadonlySet<Hex>;
  /** Kinds whose logs (on the same chain, same range) `collect` reads from `chainLogs`. */
  joins?: readonly SourceKind[];
  collect(ctx: SourceContext, logs: readonly RawLog[], out: RowBatch): Promise<void> | void;
}

/** The chain-derived columns of a row for `log` of `source`. */
export function logRef(ctx: SourceContext, log: RawLog): LogRef {
  const source = ctx.source;
  return {
    blockTime: new Date(ctx.timestampOf(log) * 1000),
    chainId: source.chainId,
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
    txHash: log.transactionHash,
    logIndex: log.logIndex,
    sourceId: source.id,
  };
}

/** Lowercase 0x-hex of a decoded hex value (viem checksums addresses). */
export const lower = <T extends string>(value: unknown) => String(value).toLowerCase() as T;
