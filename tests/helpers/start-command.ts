import { spawn, execFileSync, type ChildProcess } from "node:child_process";

/** `npm start` as a person runs it: its own process group, so Ctrl-C reaches every child. */
export function startCommand(env: Record<string, string>) {
  const child = spawn(process.execPath, ["scripts/bootstrap.mjs", "scripts/start.ts"], {
    detached: true,
    env: { ...process.env, ...env, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const waitFor = async (pattern: RegExp, timeoutMs = 240_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const match = output.match(pattern);
      if (match) return match;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`Did not see ${pattern} in the output:\n${output}`);
  };
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, waitFor, exited, output: () => output };
}

/** Processes still in the group, i.e. children a Ctrl-C did not stop. */
export function survivors(group: ChildProcess): string[] {
  const table = execFileSync("ps", ["-eo", "pgid=,pid=,args="], { encoding: "utf8" });
  return table
    .split("\n")
    .filter((line) => line.trim().split(/\s+/)[0] === String(group.pid))
    .map((line) => line.trim());
}
