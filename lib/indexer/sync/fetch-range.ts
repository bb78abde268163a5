import type { Hex } from "viem";
import {
  getBlockHeader,
  getLogsSplitting,
  type BlockHeader,
  type RangeSizer,
  type RawLog,
} from "@/lib/chain/get-logs";
import { InconsistentRangeError, RpcError, type JsonRpcClient } from "@/lib/chain/json-rpc";
import { log as logger } from "@/lib/log";

export { InconsistentRangeError };
import {
  SOURCE_MODULES,
  type IndexedSource,
  type SourceContext,
  type SourceModule,
} from "../sources";
import { emptyBatch, type RowBatch } from "../rows";

/** One fetched and decoded range, ready to commit. */
export interface FetchedRange {
  from: bigint;
  to: bigint;
  /** Header of `to`, whose hash the checkpoints record. */
  end: BlockHeader;
  batch: RowBatch;
  /** Sources whose checkpoint this range advances. */
  sources: IndexedSource[];
  logs: number;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>) {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  });
  await Promise.all(workers);
  return out;
}

/**
 * Fetches [from, to] for the sources that need it, checks each log against its block's header
 * (hash and, for unfinalized blocks, the parent chain), and decodes the logs into rows.
 * `unfinalizedFrom` is the first block whose header must be kept for reorg detection.
 */
export async function fetchRange(args: {
  rpc: JsonRpcClient;
  sources: readonly IndexedSource[];
  chainSources: readonly IndexedSource[];
  from: bigint;
  to: bigint;
  unfinalizedFrom: bigint;
  sizer: RangeSizer;
  headerConcurrency?: number;
}): Promise<FetchedRange> {
  const { rpc, from, to } = args;
  // Sources that join other kinds' logs (payments: a proxy's Settled() beside the token's
  // Transfer) get those logs too, even when the partners' own checkpoints are ahead.
  const joined = new Set(args.sources.flatMap((s) => SOURCE_MODULES[s.kind].joins ?? []));
  const partners = args.chainSources.filter((s) => joined.has(s.kind));
  const addresses = [...new Set([...args.sources, ...partners].map((s) => s.address))];
  const logs = await getLogsSplitting(rpc, { addresses, fromBlock: from, toBlock: to }, args.sizer);
  const wanted = new Set<bigint>(logs.map((l) => l.blockNumber));
  wanted.add(to);
  for (let n = args.unfinalizedFrom > from ? args.unfinalizedFrom : from; n <= to; n++)
    wanted.add(n);
  const numbers = [...wanted].sort((a, b) => (a < b ? -1 : 1));
  const headers = await mapLimit(numbers, args.headerConcurrency ?? 8, (n) =>
    getBlockHeader(rpc, n),
  );
  const byNumber = new Map(headers.map((h) => [h.number, h]));
  checkConsistency(
    logs,
    byNumber,
    headers.filter((h) => h.number >= args.unfinalizedFrom),
  );
  const batch = emptyBatch();
  batch.blocks = headers.filter((h) => h.number >= args.unfinalizedFrom);
  const timestampOf = (log: RawLog) =>
    log.blockTimestamp ?? byNumber.get(log.blockNumber)!.timestamp;
  const active = args.sources.filter((s) => s.fromBlock <= to);
  for (const source of active) {
    const decoder = SOURCE_MODULES[source.kind];
    const own: RawLog[] = [];
    let unknown = 0;
    for (const log of logs) {
      if (log.address !== source.address || log.blockNumber < source.fromBlock) continue;
      if (log.topics[0] && decoder.topics.has(log.topics[0])) own.push(log);
      else unknown++;
    }
    if (unknown > 0) batch.unknown.set(source.id, unknown);
    const ctx = { source, rpc, chainLogs: logs, chainSources: args.chainSources, timestampOf };
    let rows = emptyBatch();
    try {
      await decoder.collect(ctx, own, rows);
    } catch (error) {
      if (error instanceof RpcError) throw error;
      // A log with a known topic0 but another layout: decode the range log by log, and count
      // the ones that fail as unknown (with a warning naming them) instead of stalling here.
      const oneByOne = await collectOneByOne(ctx, own, decoder.collect);
      rows = oneByOne.rows;
      if (oneByOne.failed > 0) {
        batch.unknown.set(source.id, (batch.unknown.get(source.id) ?? 0) + oneByOne.failed);
      }
    }
    for (const key of ROW_KEYS) (batch[key] as unknown[]).push(...(rows[key] as unknown[]));
  }
  return { from, to, end: byNumber.get(to)!, batch, sources: active, logs: logs.length };
}

async function collectOneByOne(
  ctx: SourceContext,
  logs: readonly RawLog[],
  collect: SourceModule["collect"],
): Promise<{ rows: RowBatch; failed: number }> {
  const rows = emptyBatch();
  let failed = 0;
  for (const log of logs) {
    const one = emptyBatch();
    try {
      await collect(ctx, [log], one);
    } catch (error) {
      if (error instanceof RpcError) throw error;
      failed++;
      logger.warn(
        {
          source_id: ctx.source.id,
          tx_hash: log.transactionHash,
          log_index: log.logIndex,
          error: (error as Error).message,
        },
        "Log not decodable by its source; counted as unknown",
      );
      continue;
    }
    for (const key of ROW_KEYS) (rows[key] as unknown[]).push(...(one[key] as unknown[]));
  }
  return { rows, failed };
}

const ROW_KEYS = [
  "registryEvents",
  "enclaves",
  "settlements",
  "hubEvents",
  "workflowEvents",
  "payments",
] as const satisfies readonly (keyof RowBatch)[];

function checkConsistency(
  logs: readonly RawLog[],
  byNumber: ReadonlyMap<bigint, BlockHeader>,
  unfinalized: readonly BlockHeader[],
) {
  for (const log of logs) {
    const header = byNumber.get(log.blockNumber);
    if (header && header.hash !== log.blockHash) {
      throw new InconsistentRangeError(
        `eth_getLogs returned a log of block ${log.blockNumber} with hash ${short(log.blockHash)}, but the block's hash is ${short(header.hash)}`,
        true,
      );
    }
  }
  for (let i = 1; i < unfinalized.length; i++) {
    const prev = unfinalized[i - 1]!;
    const cur = unfinalized[i]!;
    if (cur.number === prev.number + 1n && cur.parentHash !== prev.hash) {
      throw new InconsistentRangeError(
        `Block ${cur.number}'s parent hash does not match block ${prev.number}: the chain moved while reading`,
        true,
      );
    }
  }
}

const short = (h: Hex) => `${h.slice(0, 10)}…`;
