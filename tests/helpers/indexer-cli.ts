import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** `npm run indexer -- <args>` as a child process against `databaseUrl` (without npm in between, so signals reach it). */
export function spawnIndexer(
  args: string[],
  databaseUrl: string,
): ChildProcess & { output: () => string } {
  const child = spawn(
    process.execPath,
    ["--max-old-space-size=384", "--import", "tsx", "scripts/indexer.ts", ...args],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  return Object.assign(child, { output: () => output });
}

/** Resolves with the exit code (or the signal's name) once the child has exited. */
export function exited(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  if (child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
}

/**
 * Runs the indexer CLI to its end with debug logs, or kills it once `enough(output)` says
 * so or at the deadline (a run that keeps retrying); answers its exit and everything it printed.
 */
export async function runIndexerCli(
  args: string[],
  databaseUrl: string,
  opts: { enough?: (output: string) => boolean; deadlineMs?: number } = {},
): Promise<{ code: number | string; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/indexer.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "debug" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const kill = setTimeout(() => child.kill("SIGKILL"), opts.deadlineMs ?? 60_000);
  const onData = (d: Buffer) => {
    output += d.toString();
    if (opts.enough?.(output)) child.kill("SIGKILL");
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const code = await exited(child);
  clearTimeout(kill);
  return { code, output };
}
