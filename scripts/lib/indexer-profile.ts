import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type pg from "pg";
import { SOURCE_MODULES } from "@/lib/indexer/sources";

/**
 * `bench:indexer --profile`: where the end-to-end seconds go, measured from outside the
 * indexer (nothing in lib/indexer knows). The writer commits ranges one after another, so its
 * wall time splits into its database statements and the rest (waiting for the next fetched
 * and decoded range, setup). Fetching, JSON parsing and decoding run meanwhile on the same
 * thread, so they are reported beside that split, not inside it.
 */
export interface IndexerProfile {
  /** Wall ms of the database statements, by kind, summed over all clients of the pool. */
  statements: Record<StatementKind, number>;
  /** Wall ms with at least one RPC request outstanding (sent until its body is read). */
  rpcWallMs: number;
  rpcRequests: number;
  jsonParseMs: number;
  decodeMs: number;
  /** Share of the wall the Node main thread was busy (event-loop utilisation). */
  mainThreadBusy: number;
  nodeCpuMs: number;
  /** CPU of the PostgreSQL server's processes (backends, WAL writer, checkpointer). */
  postgresCpuMs: number | null;
}

export type StatementKind = "copy" | "insertSelect" | "commit" | "other";

type AnyFn = (...args: unknown[]) => unknown;

/** Starts timing; `pool` must be fresh (its clients are instrumented as they connect). */
export function startIndexerProfile(pool: pg.Pool, pgDataDir: string) {
  const statements: Record<StatementKind, number> = {
    copy: 0,
    insertSelect: 0,
    commit: 0,
    other: 0,
  };
  let stopped = false;
  // Note: the clients stay instrumented after stop() (the pool keeps them); they stop counting.
  pool.on("connect", (client) =>
    instrumentClient(client, (kind, ms) => void (stopped || (statements[kind] += ms))),
  );

  let inFlight = 0;
  let rpcWallMs = 0;
  let rpcRequests = 0;
  let since = 0;
  const realFetch = globalThis.fetch;
  const ended = () => {
    if (--inFlight === 0) rpcWallMs += performance.now() - since;
  };
  globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
    if (inFlight++ === 0) since = performance.now();
    rpcRequests++;
    let response: Response;
    try {
      response = await realFetch(...args);
    } catch (error) {
      ended();
      throw error;
    }
    // The JSON-RPC client reads the body as text: the request ends when that is done.
    const text = response.text.bind(response);
    response.text = () => text().finally(ended);
    return response;
  };

  let jsonParseMs = 0;
  const realParse = JSON.parse;
  JSON.parse = (...args: Parameters<typeof JSON.parse>) => {
    const started = performance.now();
    try {
      return realParse(...args);
    } finally {
      jsonParseMs += performance.now() - started;
    }
  };

  let decodeMs = 0;
  const realCollects = Object.values(SOURCE_MODULES).map((m) => [m, m.collect] as const);
  for (const [module, collect] of realCollects) {
    // Kept synchronous when the real one is (a source that reads the chain is timed until
    // its promise settles, waits included).
    module.collect = (...args) => {
      const started = performance.now();
      const record = () => void (decodeMs += performance.now() - started);
      let result: Promise<void> | void;
      try {
        result = collect.apply(module, args);
      } catch (error) {
        record();
        throw error;
      }
      if (result instanceof Promise) return result.finally(record);
      record();
    };
  }

  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const pgCpu = postgresCpuMs(pgDataDir);

  return {
    stop(): IndexerProfile {
      stopped = true;
      globalThis.fetch = realFetch;
      JSON.parse = realParse;
      for (const [module, collect] of realCollects) module.collect = collect;
      const used = process.cpuUsage(cpu);
      const pgNow = postgresCpuMs(pgDataDir);
      return {
        statements: { ...statements },
        rpcWallMs,
        rpcRequests,
        jsonParseMs,
        decodeMs,
        mainThreadBusy: performance.eventLoopUtilization(elu).utilization,
        nodeCpuMs: (used.user + used.system) / 1000,
        postgresCpuMs: pgCpu === null || pgNow === null ? null : pgNow - pgCpu,
      };
    },
  };
}

function kindOf(sql: string): StatementKind {
  if (/^\s*COPY\b/i.test(sql)) return "copy";
  if (/^\s*INSERT INTO "\w+" .* FROM stage_/is.test(sql)) return "insertSelect";
  if (/^\s*COMMIT\b/i.test(sql)) return "commit";
  return "other";
}

/** Times each statement of `client`: promise, callback (pg-pool's `query`) or COPY stream. */
function instrumentClient(
  client: pg.PoolClient,
  record: (kind: StatementKind, ms: number) => void,
) {
  const real = client.query as unknown as AnyFn;
  const patched = function (this: unknown, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    const kind = kindOf(typeof first === "string" ? first : (first?.text ?? ""));
    const started = performance.now();
    let done = false;
    const finish = () => {
      if (!done) record(kind, performance.now() - started);
      done = true;
    };
    const last = args.length - 1;
    if (typeof args[last] === "function") {
      const callback = args[last] as AnyFn;
      args[last] = (...results: unknown[]) => {
        finish();
        return callback(...results);
      };
    }
    const result = real.apply(this, args) as
      { then?: unknown; once?: (event: string, fn: () => void) => void } | undefined;
    if (result && typeof result.then === "function") {
      return (result as Promise<unknown>).then(
        (value) => (finish(), value),
        (error: unknown) => {
          finish();
          throw error;
        },
      );
    }
    // A COPY stream ends at "finish" (pg-copy-streams waits for the server's answer).
    result?.once?.("finish", finish);
    result?.once?.("error", finish);
    return result;
  };
  client.query = patched as unknown as typeof client.query;
}

/**
 * CPU ms used so far by the PostgreSQL server of `dataDir`: its postmaster and live children,
 * from /proc (Linux only; null elsewhere). Note: a backend that exits (an idle client the pool
 * closes) takes its CPU with it, so this slightly undercounts.
 */
function postgresCpuMs(dataDir: string): number | null {
  try {
    const postmaster = Number(
      fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0],
    );
    const tick = 1000 / 100; // USER_HZ is 100 on Linux
    let ms = 0;
    for (const entry of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue; // gone meanwhile
      }
      // Fields after the command name (which may hold spaces): state, ppid, … utime, stime.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const pid = Number(entry);
      if (pid !== postmaster && Number(fields[1]) !== postmaster) continue;
      ms += (Number(fields[11]) + Number(fields[12])) * tick;
    }
    return ms;
  } catch {
    return null;
  }
}
