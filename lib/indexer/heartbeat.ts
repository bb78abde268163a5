import type pg from "pg";
import { redactSecrets, registeredSecretUrls } from "@/lib/chain/redact-url";
import { log } from "@/lib/log";

/**
 * What one chain's follow loop tells `chain_heartbeat`. Every call only changes memory; the
 * row is written behind it (at most once a second per chain, in order, one write at a time),
 * so the loop never waits for, nor fails because of, the database.
 */
export interface ChainHeartbeat {
  /** The loop reached `head` (read from the chain), or committed a range on its way there. */
  synced(head: bigint): void;
  /** An RPC attempt got an answer (the RPC is reachable). */
  answered(): void;
  /** An RPC attempt got no usable answer (refused, reset, timed out, HTTP 5xx). */
  unreachable(error: Error): void;
  /** One pass of the loop failed; it will be retried. */
  failed(error: Error): void;
  /** One pass of the loop succeeded: the failures in a row start again from 0. */
  succeeded(): void;
  /** The loop ended for good (a fatal error, or the indexer was asked to stop). */
  stopped(reason: string): void;
}

export interface Heartbeats {
  /** The heartbeat of a chain whose loop starts now (its row is created or taken over). */
  chain(chainId: number, rpcUrl: string): ChainHeartbeat;
  /** Stops the beat and writes what is left (bounded: a database that hangs is not waited for). */
  close(): Promise<void>;
}

/** Pending writes of one chain's row; absent fields are left as they are. */
interface Pending {
  start?: true;
  synced?: bigint;
  reachable?: boolean;
  error?: string;
  /** Failures to add, or (with `reset`) the new count. */
  failures?: { reset: boolean; add: number };
  stopped?: string;
}

const MIN_WRITE_GAP_MS = 1000;
const WARN_GAP_MS = 30_000;

/**
 * The indexer's heartbeats, one row per chain in `chain_heartbeat`:
 * - `beat_at` (and `indexer_pid`): every `intervalMs` for each chain whose loop runs (not
 *   stopped), so a process that died or hangs stops moving it;
 * - `synced_at` and `head_block`: when the loop reached the head it read, and after each
 *   committed range of a backfill;
 * - `rpc_reachable`: false after an attempt without an answer, true after one with an answer;
 * - `last_error`, `last_error_at`: the last failure (first line, RPC URLs redacted), kept as
 *   history after a success; `consecutive_failures`: failed passes in a row (0 after a success);
 * - `started_at` when the loop starts (clearing `stopped_*`), `stopped_at` and
 *   `stopped_reason` when it ends for good.
 * Database errors are logged (throttled) and never thrown: the writes are tried again later.
 */
export function createHeartbeats(
  pool: pg.Pool,
  options: { intervalMs?: number; pid?: number } = {},
): Heartbeats {
  const pid = options.pid ?? process.pid;
  const running = new Set<number>();
  const writers = new Map<number, ReturnType<typeof createRowWriter>>();
  let lastWarn = 0;
  let suppressed = 0;
  const warn = (error: unknown) => {
    if (Date.now() - lastWarn < WARN_GAP_MS) {
      suppressed++;
      return;
    }
    log.warn(
      { error: (error as Error).message, suppressed },
      "Could not write the indexer heartbeat; retrying",
    );
    lastWarn = Date.now();
    suppressed = 0;
  };

  let beating: Promise<void> | undefined;
  const beat = () => {
    // A beat still in flight (a slow database) is not doubled up.
    if (beating || running.size === 0) return;
    beating = pool
      .query(
        "UPDATE chain_heartbeat SET beat_at = now(), indexer_pid = $1 WHERE chain_id = ANY($2::int[])",
        [pid, [...running]],
      )
      .then(() => {}, warn)
      .finally(() => (beating = undefined));
    // Writes that failed while the database was away go out again with the beat.
    for (const writer of writers.values()) writer.flush();
  };
  const timer = setInterval(beat, options.intervalMs ?? 2000);
  timer.unref();

  return {
    chain(chainId, rpcUrl) {
      const writer = createRowWriter(pool, chainId, pid, warn);
      writers.set(chainId, writer);
      running.add(chainId);
      writer.set({ start: true });
      const redact = (text: string) =>
        firstLine(redactSecrets(text, [rpcUrl, ...registeredSecretUrls()]));
      let reachable: boolean | undefined;
      let failures = 0;
      return {
        synced: (head) => writer.set({ synced: head }),
        answered() {
          if (reachable === true) return;
          reachable = true;
          writer.set({ reachable });
        },
        unreachable(error) {
          reachable = false;
          writer.set({ reachable, error: redact(error.message) });
        },
        failed(error) {
          failures++;
          writer.set({ error: redact(error.message), failures: { reset: false, add: 1 } });
        },
        succeeded() {
          if (failures === 0) return;
          failures = 0;
          writer.set({ failures: { reset: true, add: 0 } });
        },
        stopped(reason) {
          running.delete(chainId);
          writer.set({ stopped: redact(reason) });
        },
      };
    },
    async close() {
      clearInterval(timer);
      const done = Promise.all([beating, ...[...writers.values()].map((w) => w.drain())]);
      await Promise.race([done, new Promise((r) => setTimeout(r, 5000).unref())]);
    },
  };
}

/** The first line of a message, at most 500 characters. */
function firstLine(message: string): string {
  const line = message.split("\n", 1)[0]!;
  return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}

/** Writes one chain's row: coalesced, in order, at most once per MIN_WRITE_GAP_MS. */
function createRowWriter(
  pool: pg.Pool,
  chainId: number,
  pid: number,
  warn: (error: unknown) => void,
) {
  let pending: Pending = {};
  let inFlight: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let lastWrite = 0;
  let closed = false;

  const isEmpty = (p: Pending) => Object.keys(p).length === 0;

  async function write(p: Pending) {
    if (p.start) {
      await pool.query(
        `INSERT INTO chain_heartbeat (chain_id, indexer_pid, started_at, beat_at) VALUES ($1, $2, now(), now())
         ON CONFLICT (chain_id) DO UPDATE SET indexer_pid = $2, started_at = now(), beat_at = now(),
           rpc_reachable = NULL, consecutive_failures = 0, stopped_at = NULL, stopped_reason = NULL`,
        [chainId, pid],
      );
      delete p.start;
    }
    if (isEmpty(p)) return;
    await pool.query(
      `UPDATE chain_heartbeat SET
         synced_at = CASE WHEN $2::bigint IS NULL THEN synced_at ELSE now() END,
         head_block = COALESCE($2::bigint, head_block),
         rpc_reachable = COALESCE($3::boolean, rpc_reachable),
         last_error = COALESCE($4::text, last_error),
         last_error_at = CASE WHEN $4::text IS NULL THEN last_error_at ELSE now() END,
         consecutive_failures = CASE WHEN $5::boolean THEN 0 ELSE consecutive_failures END + $6::int,
         stopped_at = CASE WHEN $7::text IS NULL THEN stopped_at ELSE now() END,
         stopped_reason = COALESCE($7::text, stopped_reason)
       WHERE chain_id = $1`,
      [
        chainId,
        p.synced?.toString() ?? null,
        p.reachable ?? null,
        p.error ?? null,
        p.failures?.reset ?? false,
        p.failures?.add ?? 0,
        p.stopped ?? null,
      ],
    );
  }

  function flush() {
    if (closed || inFlight || timer || isEmpty(pending)) return;
    const wait = lastWrite + MIN_WRITE_GAP_MS - Date.now();
    if (wait > 0) {
      timer = setTimeout(() => {
        timer = undefined;
        flush();
      }, wait);
      return;
    }
    const taken = pending;
    pending = {};
    lastWrite = Date.now();
    inFlight = write(taken)
      .catch((error: unknown) => {
        warn(error);
        // Not written: what came after wins, the rest goes out with a later flush.
        pending = merge(taken, pending);
      })
      .finally(() => {
        inFlight = undefined;
        flush();
      });
  }

  return {
    set(change: Pending) {
      pending = merge(pending, change);
      flush();
    },
    flush,
    /** Writes what is pending now, once, without waiting for the gap; nothing after. */
    async drain() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
      if (isEmpty(pending)) return;
      const taken = pending;
      pending = {};
      await write(taken).catch(warn);
    },
  };
}

/** `later` applied on top of `earlier`. */
function merge(earlier: Pending, later: Pending): Pending {
  const out: Pending = { ...earlier, ...later };
  if (earlier.failures && later.failures && !later.failures.reset) {
    out.failures = {
      reset: earlier.failures.reset,
      add: earlier.failures.add + later.failures.add,
    };
  }
  return out;
}
