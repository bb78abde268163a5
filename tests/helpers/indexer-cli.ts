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
