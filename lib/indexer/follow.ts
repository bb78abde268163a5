import type pg from "pg";
import { createJsonRpcClient } from "@/lib/chain/json-rpc";
import { log } from "@/lib/log";
import type { IndexerOptions } from ".";
import { recordSourceError } from "./checkpoint";
import { createHeartbeats, type ChainHeartbeat } from "./heartbeat";
import { createLinkPass } from "./link-pass";
import { sleep } from "./sleep";
import type { IndexedSource } from "./sources";
import { createChainSync } from "./sync/chain-sync";
import { checkChainId, isFatal, syncToHead } from "./sync/to-head";

/** A configured chain, with its sources. */
export interface FollowedChain {
  chainId: number;
  rpcUrl: string;
  sources: IndexedSource[];
  finalityDepth: number;
}

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;
/**
 * RPC retries per call while following (until-head keeps the client's 8): the chain loop
 * retries on its own, so a dead RPC is recorded as a failed pass within seconds.
 */
const FOLLOW_RPC_RETRIES = 3;

/**
 * Follow mode: one loop per chain and one for batch expansion and the linker, so a chain whose
 * RPC is down, or which stopped for good, holds up neither the other chains nor linking.
 * A chain's loop checks the chain id, then runs the reorg check and syncs to the head, polls,
 * and repeats. A failure is recorded (the sources' `last_error`, `chain_heartbeat`) and
 * retried after 1 s, doubling to 30 s, reset by a success; a fatal one (a reorg past
 * finality, the wrong chain id, a refused request) stops that chain alone. Returns the events
 * indexed once `signal` aborts; throws when every chain has stopped.
 */
export async function followChains(
  opts: IndexerOptions,
  chains: readonly FollowedChain[],
): Promise<number> {
  const linkerStop = new AbortController();
  const heartbeats = createHeartbeats(opts.pool, { intervalMs: opts.heartbeatMs });
  const linker =
    opts.link === false
      ? undefined
      : startLinkerLoop(
          opts.pool,
          opts.pollIntervalMs ?? 1000,
          opts.signal ? AbortSignal.any([opts.signal, linkerStop.signal]) : linkerStop.signal,
        );
  let events = 0;
  const stops: Error[] = [];
  await Promise.all(
    chains.map((chain) =>
      followChain(opts, chain, heartbeats.chain(chain.chainId, chain.rpcUrl), {
        committed(n, reorged) {
          events += n;
          if (n > 0 || reorged) linker?.poke();
        },
      }).catch((error: Error) => void stops.push(error)),
    ),
  );
  // With no chain configured, linking posted evidence is all there is to do, until stopped.
  if (chains.length > 0) linkerStop.abort();
  await linker?.done;
  await heartbeats.close();
  if (stops.length === chains.length && chains.length > 0 && !opts.signal?.aborted) {
    if (stops.length === 1) throw stops[0];
    throw new Error(`Every chain stopped: ${stops.map((e) => e.message).join(" ")}`);
  }
  return events;
}

/** One chain's loop; returns when `signal` aborts, throws the fatal error that stopped it. */
async function followChain(
  opts: IndexerOptions,
  chain: FollowedChain,
  heartbeat: ChainHeartbeat,
  on: { committed(events: number, reorged: boolean): void },
): Promise<void> {
  const rpc = createJsonRpcClient(chain.rpcUrl, {
    retries: FOLLOW_RPC_RETRIES,
    ...opts.rpc,
    onAttempt(error) {
      opts.rpc?.onAttempt?.(error);
      if (!error) heartbeat.answered();
      else if (error.details.unreachable) heartbeat.unreachable(error);
    },
  });
  const sync = createChainSync({
    chainId: chain.chainId,
    rpc,
    pool: opts.pool,
    sources: chain.sources,
    finalityDepth: chain.finalityDepth,
    concurrency: opts.concurrency,
    maxRange: opts.maxRange,
    onCommit(progress) {
      // A long backfill stays fresh: each committed range counts as progress.
      heartbeat.synced(progress.targetBlock);
      opts.onProgress?.(progress);
    },
    signal: opts.signal,
  });
  let checked = false;
  let retryMs = FIRST_RETRY_MS;
  while (!opts.signal?.aborted) {
    try {
      if (!checked) {
        await checkChainId(rpc, chain.chainId, chain.rpcUrl).catch(async (error: Error) => {
          await recordSourceError(opts.pool, sync.sourceIds, error.message);
          throw error;
        });
        checked = true;
      }
      const result = await syncToHead(opts.pool, sync);
      // An abort ends a sync early, short of the head.
      if (opts.signal?.aborted) break;
      heartbeat.synced(result.head);
      heartbeat.succeeded();
      on.committed(result.events, result.reorged);
      retryMs = FIRST_RETRY_MS;
      await sleep(opts.pollIntervalMs ?? 1000, opts.signal);
    } catch (error) {
      if (opts.signal?.aborted) break;
      const e = error as Error;
      heartbeat.failed(e);
      if (isFatal(e)) {
        heartbeat.stopped(e.message);
        log.error(
          { chain_id: chain.chainId, error: e.message, kind: e.name },
          "Chain stopped; the other chains go on",
        );
        throw e;
      }
      log.warn(
        { chain_id: chain.chainId, error: e.message, retry_ms: retryMs },
        "Chain sync failed; retrying",
      );
      await sleep(retryMs, opts.signal);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }
  }
  heartbeat.stopped("The indexer was stopped.");
}

/**
 * Batch expansion and the linker on their own loop: a pass after a chain committed rows or
 * reorganised (`poke`), else every `pollMs` when posted evidence changed. One pass at a time;
 * a failed pass is logged (the linker records it in `linker_health`) and retried with backoff,
 * and never stops a chain.
 */
function startLinkerLoop(pool: pg.Pool, pollMs: number, signal: AbortSignal) {
  const pass = createLinkPass(pool);
  let poked = false;
  let backoffMs = 0;
  let wake: (() => void) | undefined;
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      wake = done;
    });
  const done = (async () => {
    let retryMs = FIRST_RETRY_MS;
    while (!signal.aborted) {
      // A poke ends the wait between polls, not a backoff after a failure.
      if (backoffMs > 0) await nap(backoffMs);
      else if (!poked) await nap(pollMs);
      if (signal.aborted) break;
      const changed: boolean = poked;
      poked = false;
      try {
        await pass(changed);
        retryMs = FIRST_RETRY_MS;
        backoffMs = 0;
      } catch (error) {
        poked ||= changed;
        log.warn(
          { error: (error as Error).message, retry_ms: retryMs },
          "Linker pass failed; retrying",
        );
        backoffMs = retryMs;
        retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
      }
    }
  })();
  return {
    poke() {
      poked = true;
      if (backoffMs === 0) wake?.();
    },
    done,
  };
}
