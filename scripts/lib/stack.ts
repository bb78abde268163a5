import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { startDevnet } from "@/lib/devnet";
import { ensureStory } from "@/lib/devnet/scenario";
import { lockDataDir } from "@/lib/data-dir-lock";
import { loadSourceConfig, type SourceConfig } from "@/lib/chain/source-config";
import { ConfigError, rpcPlaceholders, sourcesFile, type Env } from "@/lib/env";
import { ensureBuilt } from "./build";
import { createSupervisor, type Instance, type Supervisor } from "./supervisor";

export interface StackOptions {
  env: Env;
  dataDir: string;
  port: number;
  /** `start` serves a production build (built when sources changed); `dev` runs `next dev`. */
  mode: "start" | "dev";
  /**
   * Where each started part registers how to stop it, so a caller interrupted while the
   * stack is still starting (Ctrl-C during the story) can stop what is already running.
   */
  stops?: (() => Promise<void>)[];
  /** Called with one line per thing started (or restarted), for the operator to read. */
  say: (line: string) => void;
  /** Aborted when shutdown begins (Ctrl-C): from then on nothing is restarted. */
  signal?: AbortSignal;
}

export interface Stack {
  appUrl: string;
  databaseUrl: string;
  chains: { chainId: number; rpcUrl: string }[];
  stop(): Promise<void>;
}

/**
 * Starts everything the product needs, in dependency order: Postgres (embedded unless
 * DATABASE_URL is set) with migrations, the two local chains with their contracts, a
 * production build when the sources changed, the dashboard server (scripts/serve.ts) and the
 * indexer. Whatever was started is stopped again if a later step fails. The indexer and the
 * embedded Postgres are supervised: restarted when they exit on their own (scripts/lib/supervisor.ts).
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const stops = opts.stops ?? [];
  const supervisor = createSupervisor({ dataDir: opts.dataDir, say: opts.say });
  opts.signal?.addEventListener("abort", () => supervisor.halt(), { once: true });
  const stop = () => {
    supervisor.halt();
    return stopAll(stops);
  };
  try {
    stops.push(await lockDataDir(opts.dataDir));
    // Run last when stopping: after every supervised part has stopped.
    stops.push(() => supervisor.remove());
    await assertPortFree(opts.env.HOST, opts.port);
    // Check configuration before starting anything: a bad source file or an unreachable
    // DATABASE_URL should stop us before chains or an embedded database start.
    if (opts.env.DATABASE_URL) await assertReachable(opts.env.DATABASE_URL);
    const { chains, sourcesFile: sourcesPath, devnet } = await startChains(opts, stops);
    const databaseUrl = await startDatabase(opts, stops, supervisor);
    if (opts.mode === "start") {
      await ensureBuilt({ onStart: () => opts.say("build: sources changed, running next build") });
    }
    const appUrl = appUrlOf(opts.env.HOST, opts.port);
    const next = startNext(opts, { DATABASE_URL: databaseUrl, SOURCES_FILE: sourcesPath });
    stops.push(() => stopChild(next));
    await waitForHttp(appUrl, next);
    const indexerArgs = { databaseUrl, sourcesFile: sourcesPath };
    const indexer = await supervisor.supervise(
      "indexer",
      () => startIndexer(opts, indexerArgs),
      (instance) => `indexer: running again (pid ${instance.pid})`,
    );
    opts.say(`indexer: following the chains, logs in ${indexerLog(opts.dataDir)}`);
    stops.push(() => indexer.stop());
    if (devnet) {
      const { STORY_SEED: seed, STORY_REQUESTS: requests } = opts.env;
      await ensureStory({
        ...devnet,
        dataDir: opts.dataDir,
        seed,
        requests,
        apiUrl: appUrl,
        say: opts.say,
      });
    }
    return { appUrl, databaseUrl, chains, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The local devnet (two anvil chains with our look-alike contracts) unless DEVNET=false;
 * then the configured source file, validated now so a bad RPC url stops the start.
 */
async function startChains(opts: StackOptions, stops: (() => Promise<void>)[]) {
  if (!opts.env.DEVNET) {
    const file = sourcesFile(opts.env);
    const sources = await loadSourceConfig(file, { env: rpcPlaceholders(opts.env) }).catch(
      (error: Error) => {
        throw new ConfigError(error.message);
      },
    );
    const chains = uniqueChains(sources);
    opts.say(`sources: ${sources.length} contracts on ${chains.length} chains from ${file}`);
    return { chains, sourcesFile: file, devnet: undefined };
  }
  const devnet = await startDevnet({ dataDir: opts.dataDir });
  stops.push(() => devnet.stop());
  for (const c of devnet.chains) opts.say(`chain ${c.chainId}: anvil at ${c.rpcUrl}`);
  const file = path.join(opts.dataDir, "devnet", "sources.json");
  opts.say(`sources: ${devnet.sources.length} contracts configured in ${file}`);
  return { chains: devnet.chains, sourcesFile: file, devnet };
}

function uniqueChains(sources: SourceConfig) {
  const byId = new Map(sources.map((s) => [s.chainId, { chainId: s.chainId, rpcUrl: s.rpcUrl }]));
  return [...byId.values()];
}

/**
 * The database's URL: DATABASE_URL (someone else's server, not supervised), else the
 * embedded Postgres, restarted on the same port when it exits so the URL handed to the
 * dashboard and the indexer stays valid; their pools reconnect by themselves.
 */
async function startDatabase(
  opts: StackOptions,
  stops: (() => Promise<void>)[],
  supervisor: Supervisor,
) {
  let url = opts.env.DATABASE_URL;
  if (url) {
    opts.say(`database: using DATABASE_URL (${new URL(url).host})`);
  } else {
    const dataDir = path.join(opts.dataDir, "pg");
    let first: EmbeddedDatabase | undefined;
    const db = await supervisor.supervise(
      "postgres",
      async () => {
        const started = await startEmbeddedPostgres({ dataDir, port: first?.port });
        first ??= started;
        return started;
      },
      () => `postgres: running again on 127.0.0.1:${first!.port}`,
    );
    stops.push(() => db.stop());
    url = first!.url;
    opts.say(
      `database: embedded PostgreSQL on 127.0.0.1:${first!.port}, data in ${first!.dataDir}`,
    );
  }
  const applied = await applyMigrations(url);
  opts.say(`database: ${applied.length ? `applied ${applied.join(", ")}` : "schema up to date"}`);
  return url;
}

async function assertPortFree(host: string, port: number): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new ConfigError(
      `PORT ${port} is already in use on ${host}: stop what runs there or set PORT to another port.`,
    );
  }
}

async function assertReachable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(`DATABASE_URL is unreachable: ${reason || "connection failed"}.`);
  } finally {
    await client.end().catch(() => {});
  }
}

function startNext(opts: StackOptions, extraEnv: Record<string, string>): ChildProcess {
  const args = [
    "--import",
    "tsx",
    path.join("scripts", "serve.ts"),
    ...(opts.mode === "dev" ? ["--dev"] : []),
  ];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      ...extraEnv,
      PORT: String(opts.port),
      HOST: opts.env.HOST,
      INGEST_RATE_LIMIT_PER_MINUTE: String(opts.env.INGEST_RATE_LIMIT_PER_MINUTE),
      TRUST_PROXY: String(opts.env.TRUST_PROXY),
      // What the dashboard reads of the parsed configuration (the audit key lives in DATA_DIR).
      DATA_DIR: opts.dataDir,
      ADMIN_ADDRESSES: opts.env.ADMIN_ADDRESSES.join(","),
      SESSION_TTL_HOURS: String(opts.env.SESSION_TTL_HOURS),
      AUDIT_CHECKPOINT_EVERY: String(opts.env.AUDIT_CHECKPOINT_EVERY),
      PUBLIC_READ: String(opts.env.PUBLIC_READ),
      ...(opts.env.APP_ORIGIN ? { APP_ORIGIN: opts.env.APP_ORIGIN } : {}),
      ...(opts.env.AUDIT_SIGNING_KEY ? { AUDIT_SIGNING_KEY: opts.env.AUDIT_SIGNING_KEY } : {}),
      NODE_ENV: opts.mode === "dev" ? "development" : "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PROVENANCE_PROCESS: "app",
    },
  });
  // If this process dies before stopping it politely, do not leave the server behind.
  process.once("exit", () => child.kill("SIGTERM"));
  return child;
}

/**
 * One more dashboard server (scripts/serve.ts) over an existing stack's database and data
 * directory, with its own configuration: the browser tests run a private deployment
 * (PUBLIC_READ=false) beside the public one this way. Serves the existing build.
 */
export async function startDashboard(args: {
  env: Env;
  dataDir: string;
  port: number;
  databaseUrl: string;
}): Promise<{ appUrl: string; stop(): Promise<void> }> {
  const opts: StackOptions = { ...args, mode: "start", say: () => {} };
  const child = startNext(opts, {
    DATABASE_URL: args.databaseUrl,
    SOURCES_FILE: path.join(args.dataDir, "devnet", "sources.json"),
  });
  const appUrl = appUrlOf(args.env.HOST, args.port);
  try {
    await waitForHttp(appUrl, child);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { appUrl, stop: () => stopChild(child) };
}

function appUrlOf(host: string, port: number): string {
  return `http://${host === "127.0.0.1" || host === "0.0.0.0" ? "localhost" : host}:${port}`;
}

/** Same as `npm run indexer`'s `--max-old-space-size`. */
const INDEXER_HEAP_MB = 384;

function indexerLog(dataDir: string): string {
  return path.join(dataDir, "logs", "indexer.log");
}

/**
 * The indexer as a child process (`scripts/indexer.ts`, following the chains for ever), its
 * JSON logs appended to DATA_DIR/logs/indexer.log. If it stops on its own (a fatal error such
 * as a reorg deeper than finality, a SIGKILL) the supervisor starts it again, with backoff;
 * the app keeps serving and the status page shows the error meanwhile.
 */
async function startIndexer(
  opts: StackOptions,
  args: { databaseUrl: string; sourcesFile: string },
): Promise<Instance> {
  const logFile = indexerLog(opts.dataDir);
  await fs.mkdir(path.dirname(logFile), { recursive: true });
  const out = await fs.open(logFile, "a");
  const child = spawn(
    process.execPath,
    // The heap cap keeps V8 from growing lazily: the indexer's buffers are bounded (see README).
    [
      `--max-old-space-size=${INDEXER_HEAP_MB}`,
      "--import",
      "tsx",
      path.join("scripts", "indexer.ts"),
      "--config",
      args.sourcesFile,
    ],
    {
      stdio: ["ignore", out.fd, out.fd],
      env: {
        ...process.env,
        DATABASE_URL: args.databaseUrl,
        LOG_LEVEL: opts.env.LOG_LEVEL,
        PROVENANCE_PROCESS: "indexer",
      },
    },
  );
  await out.close();
  return superviseChild(child);
}

/**
 * A child as a supervised instance. Its kill-on-exit hook is removed when it exits, so hooks
 * do not pile up over restarts.
 */
function superviseChild(child: ChildProcess): Instance {
  const kill = () => child.kill("SIGTERM");
  process.once("exit", kill);
  let stopping = false;
  const crashed = new Promise<string>((resolve) => {
    const ended = (reason: string) => {
      process.removeListener("exit", kill);
      if (!stopping) resolve(reason);
    };
    child.once("exit", (code, signal) => ended(signal ?? `exit ${code}`));
    // Note: a child that could not be spawned emits 'error' and never 'exit'.
    child.once("error", (error) => {
      if (child.pid === undefined) ended(error.message);
    });
  });
  return {
    pid: child.pid ?? null,
    crashed,
    stop: () => {
      stopping = true;
      return stopChild(child);
    },
  };
}

async function waitForHttp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`The dashboard server exited with code ${child.exitCode}`);
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The dashboard did not answer on ${url} within 60 s`);
}

/** Runs registered stoppers, newest first, each once, continuing past failures. */
export async function stopAll(stops: (() => Promise<void>)[]): Promise<void> {
  while (stops.length) await stops.pop()!().catch(() => {});
}

/** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
