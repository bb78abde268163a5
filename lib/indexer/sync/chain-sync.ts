import type pg from "pg";
import { createRangeSizer, getBlockNumber, type RangeSizer } from "@/lib/chain/get-logs";
import type { JsonRpcClient } from "@/lib/chain/json-rpc";
import { log } from "@/lib/log";
import { loadCheckpoints, recordHead } from "../checkpoint";
import type { IndexedSource } from "../sources";
import { batchSize } from "../rows";
import { commitBatch } from "../write";
import { fetchRange, InconsistentRangeError, type FetchedRange } from "./fetch-range";
import { findCommonAncestor, loadLiveBlocks, markOrphanedAbove } from "./reorg";

/** Progress of one chain, reported after every committed range. */
export interface ChainProgress {
  chainId: number;
  /** First block this sync started from, and the block it is heading for. */
  startBlock: bigint;
  targetBlock: bigint;
  /** Last committed block. */
  doneBlock: bigint;
  /** Evidence rows decoded since the sync started. */
  events: number;
  elapsedMs: number;
}

export interface ChainSyncOptions {
  chainId: number;
  rpc: JsonRpcClient;
  pool: pg.Pool;
  /** The sources on this chain. */
  sources: readonly IndexedSource[];
  /** Blocks behind the head after which a block is final; headers above it are kept. */
  finalityDepth: number;
  /** Ranges fetched and decoded ahead of the one being written. */
  concurrency?: number;
  maxRange?: bigint;
  /** Called after each committed range. */
  onCommit?: (progress: ChainProgress) => void;
  signal?: AbortSignal;
}

/**
 * Historical and realtime sync of one chain. Invariant: the live rows of `block` are the
 * unfinalized headers the indexer committed, linked by parentHash; their tip is checked
 * against the chain before each sync, and a mismatch is a reorg (orphan above the common
 * ancestor, move checkpoints back, re-index). Rows and checkpoints commit together, ranges
 * in order, while later ranges are already being fetched and decoded.
 */
export function createChainSync(opts: ChainSyncOptions) {
  // Start small and grow: a dense chain's first answer must not be one enormous response.
  const max = opts.maxRange ?? 10_000n;
  const sizer: RangeSizer = createRangeSizer({ max, initial: 1n });
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const sourceIds = opts.sources.map((s) => s.id);
  let lastHead: bigint | undefined;

  /** Detects a reorg against the kept headers and, if there was one, orphans above it. */
  async function reconcile(): Promise<bigint | undefined> {
    const ancestor = await findCommonAncestor({
      db: opts.pool,
      rpc: opts.rpc,
      chainId: opts.chainId,
      finalityDepth: opts.finalityDepth,
    });
    if (!ancestor) return undefined;
    const client = await opts.pool.connect();
    try {
      const counts = await markOrphanedAbove(client, opts.chainId, ancestor);
      log.info(
        { chain_id: opts.chainId, ancestor: ancestor.number.toString(), orphaned: counts },
        "Reorg: rows above the common ancestor marked orphaned",
      );
    } finally {
      client.release();
    }
    return ancestor.number;
  }

  /** Where each source resumes: after its checkpoint, or at its from-block. */
  async function nextBlocks(): Promise<Map<string, bigint>> {
    const checkpoints = await loadCheckpoints(opts.pool, sourceIds);
    return new Map(
      opts.sources.map((s) => {
        const c = checkpoints.get(s.id);
        return [s.id, c ? c.blockNumber + 1n : s.fromBlock];
      }),
    );
  }

  /** Indexes every source up to `target` (inclusive). */
  async function syncTo(target: bigint, head: bigint): Promise<number> {
    const next = await nextBlocks();
    const start = [...next.values()].reduce((m, b) => (b < m ? b : m), target + 1n);
    if (start > target) return 0;
    const unfinalizedFrom = head - BigInt(opts.finalityDepth) + 1n;
    const began = Date.now();
    let events = 0;
    let cursor = start;
    const inFlight: Promise<FetchedRange>[] = [];
    const planNext = () => {
      if (cursor > target) return false;
      const from = cursor;
      const to = from + sizer.span - 1n < target ? from + sizer.span - 1n : target;
      cursor = to + 1n;
      const needed = opts.sources.filter((s) => next.get(s.id)! <= to);
      const p = fetchWithRetry(() =>
        fetchRange({
          rpc: opts.rpc,
          sources: needed,
          chainSources: opts.sources,
          from,
          to,
          unfinalizedFrom,
          sizer,
        }),
      );
      // Note: a rejection is handled when this range's turn comes; keep Node from calling
      // it unhandled meanwhile.
      p.catch(() => {});
      inFlight.push(p);
      return true;
    };
    while (inFlight.length < concurrency && planNext());
    let tip: { number: bigint; hash: string } | undefined = (
      await loadLiveBlocks(opts.pool, opts.chainId)
    )[0];
    const client = await opts.pool.connect();
    try {
      while (inFlight.length > 0) {
        if (opts.signal?.aborted) break;
        const range = await inFlight.shift()!;
        planNext();
        // Ranges are fetched in parallel: the chain may have switched forks between two of
        // them. The kept headers must stay one chain, so a range whose first header does not
        // follow the last kept one is refused (the caller then runs the reorg check).
        const first = range.batch.blocks[0];
        if (tip && first && first.number === tip.number + 1n && first.parentHash !== tip.hash) {
          throw new InconsistentRangeError(
            `Block ${first.number} does not follow the indexed block ${tip.number}: the chain reorganised while syncing`,
            true,
          );
        }
        const checkpoints = range.sources
          .filter((s) => next.get(s.id)! <= range.to)
          .map((s) => ({ sourceId: s.id, blockNumber: range.to, blockHash: range.end.hash }));
        await commitBatch(client, {
          chainId: opts.chainId,
          batch: range.batch,
          checkpoints,
          pruneBelow: range.batch.blocks.length > 0 ? unfinalizedFrom : undefined,
        });
        tip = range.batch.blocks.at(-1) ?? tip;
        events += batchSize(range.batch);
        opts.onCommit?.({
          chainId: opts.chainId,
          startBlock: start,
          targetBlock: target,
          doneBlock: range.to,
          events,
          elapsedMs: Date.now() - began,
        });
      }
    } finally {
      client.release();
      // Ranges still in flight after an abort or a failure are dropped unread.
      inFlight.length = 0;
    }
    return events;
  }

  return {
    chainId: opts.chainId,
    sourceIds,
    /** The current head (recorded for the status page). */
    async head(): Promise<bigint> {
      const head = await getBlockNumber(opts.rpc);
      // Following, this runs every poll: write only when the head moved.
      if (head !== lastHead) await recordHead(opts.pool, opts.chainId, head);
      lastHead = head;
      return head;
    },
    reconcile,
    syncTo,
  };
}

export type ChainSync = ReturnType<typeof createChainSync>;

/** Inconsistent ranges are read again a few times before giving up. */
async function fetchWithRetry(fn: () => Promise<FetchedRange>): Promise<FetchedRange> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof InconsistentRangeError) || attempt >= 4) throw error;
      log.debug({ error: error.message, attempt }, "Reading the range again");
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
  }
}
