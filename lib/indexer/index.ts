import pg from "pg";
import { createJsonRpcClient, type JsonRpcOptions } from "@/lib/chain/json-rpc";
import type { SourceConfig } from "@/lib/chain/source-config";
import { log } from "@/lib/log";
import { ensureSources } from "./checkpoint";
import { followChains } from "./follow";
import { createLinkPass } from "./link-pass";
import { createChainSync, type ChainProgress, type ChainSync } from "./sync/chain-sync";
import { checkChainId, syncToHead } from "./sync/to-head";

export { DeepReorgError } from "./sync/reorg";
export type { ChainProgress } from "./sync/chain-sync";
export { isFatal } from "./sync/to-head";
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
  /** Following: how often `chain_heartbeat.beat_at` is written (default 2 s). */
  heartbeatMs?: number;
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
  const pool = new pg.Pool({
    connectionString,
    max,
    options: "-c synchronous_commit=off",
    // A database that does not take connections fails the pass (retried), not hangs it.
    connectionTimeoutMillis: 10_000,
  });
  pool.on("error", (error) =>
    log.warn({ error: error.message }, "Idle database connection closed"),
  );
  // Note: pg emits "error" on a checked-out client whose connection dies (a database
  // restart while a sync holds its client) and nothing listens then: the process would
  // crash. The query in progress fails on its own; the pool drops the client on release.
  pool.on("connect", (client) =>
    client.on("error", (error) => log.warn({ error: error.message }, "Database connection lost")),
  );
  return pool;
}

/**
 * The indexer: syncs every configured source (historical ranges, then new heads), expands
 * batches and runs the linker. `until-head` indexes every chain to its head, links and
 * returns, or throws the first failure. `follow` runs each chain on its own loop (see
 * ./follow): a chain that fails is retried or stopped without holding up the others.
 */
export async function runIndexer(opts: IndexerOptions): Promise<IndexerSummary> {
  const depthOf = (chainId: number) =>
    typeof opts.finalityDepth === "function"
      ? opts.finalityDepth(chainId)
      : (opts.finalityDepth ?? DEFAULT_FINALITY_DEPTH[chainId] ?? 64);
  const sources = await ensureSources(opts.pool, opts.config, depthOf);
  const chainIds = [...new Set(sources.map((s) => s.chainId))];
  const chains = chainIds.map((chainId) => ({
    chainId,
    rpcUrl: opts.config.find((s) => s.chainId === chainId)!.rpcUrl,
    sources: sources.filter((s) => s.chainId === chainId),
    finalityDepth: depthOf(chainId),
  }));
  if (opts.mode === "follow") {
    const events = await followChains(opts, chains);
    return { events, chains: chains.length, sources: sources.length };
  }
  const syncs: ChainSync[] = [];
  for (const chain of chains) {
    const rpc = createJsonRpcClient(chain.rpcUrl, opts.rpc);
    await checkChainId(rpc, chain.chainId, chain.rpcUrl);
    syncs.push(
      createChainSync({
        ...chain,
        rpc,
        pool: opts.pool,
        concurrency: opts.concurrency,
        maxRange: opts.maxRange,
        onCommit: opts.onProgress,
        signal: opts.signal,
      }),
    );
  }
  // allSettled: a chain that fails must not leave another chain's sync running on after
  // this returns (a later run's sync of that chain would race its commits).
  const settled = await Promise.allSettled(syncs.map((sync) => syncToHead(opts.pool, sync)));
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure) throw failure.reason;
  const results = settled.map(
    (r) => (r as PromiseFulfilledResult<{ events: number; reorged: boolean }>).value,
  );
  const events = results.reduce((a, r) => a + r.events, 0);
  if (opts.link !== false) {
    await createLinkPass(opts.pool)(results.some((r) => r.events > 0 || r.reorged));
  }
  log.info({ events, chains: syncs.length, sources: sources.length }, "Indexed to head");
  return { events, chains: syncs.length, sources: sources.length };
}
