import pg from "pg";
import { getChainId } from "@/lib/chain/get-logs";
import {
  createJsonRpcClient,
  redactUrl,
  RpcError,
  type JsonRpcOptions,
} from "@/lib/chain/json-rpc";
import type { SourceConfig } from "@/lib/chain/source-config";
import { log } from "@/lib/log";
import { ensureSources, recordSourceError } from "./checkpoint";
import { expandBatches } from "./expand-batches";
import { runLinker } from "./link";
import { sleep } from "./sleep";
import { createChainSync, type ChainProgress, type ChainSync } from "./sync/chain-sync";
import { InconsistentRangeError } from "./sync/fetch-range";
import { DeepReorgError } from "./sync/reorg";

export { DeepReorgError } from "./sync/reorg";
export type { ChainProgress } from "./sync/chain-sync";
export { INDEXER_CHANNEL } from "./write";

/** Blocks after which a block counts as final, per chain id (others: 64). */
export const DEFAULT_FINALITY_DEPTH: Record<number, number> = { 10740: 32, 8453: 64, 84532: 64 };

export interface IndexerOptions {
  pool: pg.Pool;
  config: SourceConfig;
  /** `until-head`: index to each chain's current head, link, return. `follow`: keep going. */
  mode: "until-head" | "follow";
  finalityDepth?: number | ((chainId: number) => number);
  /** Ranges in flight per chain (fetch and decode ahead of the writer). */
  concurrency?: number;
  maxRange?: bigint;
  pollIntervalMs?: number;
  rpc?: JsonRpcOptions;
  /** Run batch expansion and the linker after syncing (default true). */
  link?: boolean;
  onProgress?: (progress: ChainProgress) => void;
  signal?: AbortSignal;
}

export interface IndexerSummary {
  events: number;
  chains: number;
  sources: number;
}

/**
 * A pool for the indexer. Note: `synchronous_commit=off` lets a commit return before its WAL
 * is flushed; an OS crash can lose the last few commits, but each is still all-or-nothing
 * (rows with their checkpoint), so the indexer simply re-reads those ranges. Nothing else the
 * product writes goes through this pool.
 */
export function createIndexerPool(connectionString: string, max = 4): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, options: "-c synchronous_commit=off" });
  pool.on("error", (error) =>
    log.warn({ error: error.message }, "Idle database connection closed"),
  );
  return pool;
}

/** Not worth retrying: configuration, a refused request, a reorg past finality. */
export function isFatal(error: unknown): boolean {
  if (error instanceof DeepReorgError) return true;
  if (error instanceof InconsistentRangeError) return false;
  if (error instanceof RpcError) return !error.retryable;
  return false;
}

/**
 * The indexer: syncs every configured source (historical ranges, then new heads), expands
 * batches and runs the linker. In `follow` mode transient failures are recorded on the
 * sources (shown by /api/v1/status) and retried; fatal ones end the run with their error.
 */
export async function runIndexer(opts: IndexerOptions): Promise<IndexerSummary> {
  const depthOf = (chainId: number) =>
    typeof opts.finalityDepth === "function"
      ? opts.finalityDepth(chainId)
      : (opts.finalityDepth ?? DEFAULT_FINALITY_DEPTH[chainId] ?? 64);
  const sources = await ensureSources(opts.pool, opts.config, depthOf);
  const syncs: ChainSync[] = [];
  for (const chainId of new Set(sources.map((s) => s.chainId))) {
    const url = opts.config.find((s) => s.chainId === chainId)!.rpcUrl;
    const rpc = createJsonRpcClient(url, opts.rpc);
    const actual = await getChainId(rpc);
    if (actual !== chainId) {
      throw new RpcError(
        `The RPC at ${redactUrl(url)} serves chain ${actual}, but the sources say chain ${chainId}.`,
        false,
      );
    }
    syncs.push(
      createChainSync({
        chainId,
        rpc,
        pool: opts.pool,
        sources: sources.filter((s) => s.chainId === chainId),
        finalityDepth: depthOf(chainId),
        concurrency: opts.concurrency,
        maxRange: opts.maxRange,
        onCommit: opts.onProgress,
        signal: opts.signal,
      }),
    );
  }
  let events = 0;
  let watermark: string | undefined;
  const round = async () => {
    // allSettled: a chain that fails must not leave another chain's sync running into the
    // next round (two syncs of one chain would race their commits).
    const settled = await Promise.allSettled(syncs.map((sync) => syncChain(opts, sync)));
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure) throw failure.reason;
    const results = settled.map(
      (r) => (r as PromiseFulfilledResult<{ events: number; reorged: boolean }>).value,
    );
    events += results.reduce((a, r) => a + r.events, 0);
    if (opts.link === false) return;
    // Link after anything changed: new rows, a reorg, newly posted evidence, or batches
    // whose blobs are still to be fetched (expansion itself spaces its retries).
    const now = await evidenceWatermark(opts.pool);
    const changed = results.some((r) => r.events > 0 || r.reorged) || now.mark !== watermark;
    const expansion =
      changed || now.pendingBatches ? await expandBatches(opts.pool) : { expanded: 0, failed: 0 };
    if (changed || expansion.expanded + expansion.failed > 0) await runLinker(opts.pool);
    watermark = now.mark;
  };
  if (opts.mode === "until-head") {
    await round();
    log.info({ events, chains: syncs.length, sources: sources.length }, "Indexed to head");
    return { events, chains: syncs.length, sources: sources.length };
  }
  // Following: transient failures (the first round's too) are logged, recorded on the
  // sources and retried; fatal ones end the run.
  for (let first = true; !opts.signal?.aborted; first = false) {
    if (!first) await sleep(opts.pollIntervalMs ?? 1000, opts.signal);
    if (opts.signal?.aborted) break;
    await round().catch(async (error: Error) => {
      if (isFatal(error)) throw error;
      log.warn({ error: error.message }, "Indexer round failed; retrying");
      await sleep(2000, opts.signal);
    });
  }
  return { events, chains: syncs.length, sources: sources.length };
}

/**
 * One chain to its head: reorg check, then sync. A range that keeps disagreeing with its
 * blocks (a reorg while reading) sends it back to the reorg check, a few times at most.
 * Errors are recorded on the chain's sources before they propagate.
 */
async function syncChain(
  opts: IndexerOptions,
  sync: ChainSync,
): Promise<{ events: number; reorged: boolean }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const head = await sync.head();
      const ancestor = await sync.reconcile();
      return { events: await sync.syncTo(head, head), reorged: ancestor !== undefined };
    } catch (error) {
      if (error instanceof InconsistentRangeError && attempt < 5) continue;
      await recordSourceError(opts.pool, sync.sourceIds, (error as Error).message);
      throw error;
    }
  }
}

/** What posted evidence looks like now, to notice receipts and actions that arrived. */
async function evidenceWatermark(pool: pg.Pool) {
  const { rows } = await pool.query<{ mark: string; pending: boolean }>(
    `SELECT concat_ws('/', (SELECT max(received_at) FROM receipt), (SELECT count(*) FROM receipt),
                      (SELECT max(received_at) FROM agent_action)) AS mark,
            EXISTS (SELECT 1 FROM settlement WHERE kind = 'batch' AND orphaned_at IS NULL AND expanded_at IS NULL) AS pending`,
  );
  return { mark: rows[0]!.mark, pendingBatches: rows[0]!.pending };
}
