import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { log } from "@/lib/log";
import { findFreePort } from "@/lib/net";

/** How to start one local chain. */
export interface AnvilOptions {
  chainId: number;
  /** Fixed port; fails when it is taken. Defaults to a free port picked by the OS. */
  port?: number;
  /** Port to try first (e.g. the one of the previous run), falling back to a free one. */
  preferredPort?: number;
  /** Load chain state from this file if it exists, dump it there on stop. */
  stateFile?: string;
  /** Seconds per block; omitted means a block per transaction (automine). */
  blockTime?: number;
  /**
   * Unix seconds of the genesis block, used only when no state file exists yet: the devnet
   * starts its chains in the past so that a story can fill hours of chain time up to now.
   */
  genesisTimestamp?: number;
  /** How long to wait for `eth_chainId` to answer. */
  startTimeoutMs?: number;
}

/** A running anvil. `stop()` waits for the process to exit, so its state dump is complete. */
export interface AnvilInstance {
  chainId: number;
  rpcUrl: string;
  port: number;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const OUTPUT_LINES_KEPT = 20;
const STOP_GRACE_MS = 15_000;

const PLATFORM_PACKAGES: Record<string, string> = {
  "linux-x64": "@foundry-rs/anvil-linux-amd64",
  "linux-arm64": "@foundry-rs/anvil-linux-arm64",
  "darwin-x64": "@foundry-rs/anvil-darwin-amd64",
  "darwin-arm64": "@foundry-rs/anvil-darwin-arm64",
  "win32-x64": "@foundry-rs/anvil-win32-amd64",
};

/**
 * Path of the anvil binary from @foundry-rs/anvil. The native binary of the platform package
 * is preferred over the `.bin/anvil` shim: the shim is a Node wrapper, so signals sent to it
 * reach anvil only indirectly and `stop()` could return before the state dump is written.
 */
export function resolveAnvilBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = PLATFORM_PACKAGES[`${process.platform}-${process.arch}`];
  if (pkg) {
    try {
      const dir = path.dirname(require.resolve(`${pkg}/package.json`));
      const binary = path.join(dir, "bin", process.platform === "win32" ? "anvil.exe" : "anvil");
      if (existsSync(binary)) return binary;
    } catch {
      // fall through to the shim
    }
  }
  const shim = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    "../../node_modules/.bin/anvil",
  );
  if (existsSync(shim)) return shim;
  throw new Error(
    `No anvil binary for ${process.platform}-${process.arch}: install @foundry-rs/anvil (npm ci).`,
  );
}

async function answersChainId(rpcUrl: string): Promise<number | undefined> {
  try {
    const response = await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal: AbortSignal.timeout(1000),
    });
    const body = (await response.json()) as { result?: string };
    return body.result ? Number(body.result) : undefined;
  } catch {
    return undefined; // not listening yet
  }
}

/**
 * Keeps anvil's last output lines (for error messages) and notices its "Listening on" line.
 * Only our own child prints that line, so readiness cannot be faked by another process that
 * already answers on the port.
 */
function watchOutput(child: ChildProcess, port: number) {
  const watch = { lines: [] as string[], listening: false };
  const marker = `Listening on ${HOST}:${port}`;
  const carry = { stdout: "", stderr: "" };
  const onData = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
    const parts = (carry[stream] + chunk.toString("utf8")).split("\n");
    carry[stream] = parts.pop() ?? "";
    for (const line of parts) {
      if (line.includes(marker)) watch.listening = true;
      if (line.trim()) watch.lines.push(line);
    }
    watch.lines.splice(0, Math.max(0, watch.lines.length - OUTPUT_LINES_KEPT));
  };
  child.stdout?.on("data", onData("stdout"));
  child.stderr?.on("data", onData("stderr"));
  return watch;
}

function anvilArgs(options: AnvilOptions, port: number): string[] {
  const args = ["--host", HOST, "--port", String(port), "--chain-id", String(options.chainId)];
  if (options.stateFile) args.push("--state", options.stateFile);
  const fresh = !options.stateFile || !existsSync(options.stateFile);
  if (fresh && options.genesisTimestamp !== undefined) {
    args.push("--timestamp", String(options.genesisTimestamp));
  }
  if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));
  return args;
}

class AnvilStartError extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
  }
}

function waitForExit(child: ChildProcess, chainId: number) {
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    // A failed spawn may never emit 'exit'; there is then no process to wait for.
    child.once("error", () => child.pid === undefined && resolve());
  });
  // Note: 'exit' handlers must be synchronous; kill() is, and SIGKILL cannot be ignored.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const state = { exited: false };
  void exited.then(() => {
    state.exited = true;
    process.removeListener("exit", killOnExit);
  });
  const stop = async () => {
    if (state.exited) return;
    child.kill("SIGTERM"); // anvil dumps --state on SIGTERM before exiting
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    log.debug({ chain_id: chainId }, "Stopped anvil");
  };
  return { state, stop };
}

async function launch(options: AnvilOptions, port: number): Promise<AnvilInstance> {
  const rpcUrl = `http://${HOST}:${port}`;
  const child = spawn(resolveAnvilBinary(), anvilArgs(options, port), {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = watchOutput(child, port);
  const { state, stop } = waitForExit(child, options.chainId);
  let failure: string | undefined;
  child.once("error", (error) => (failure = `could not spawn anvil: ${error.message}`));
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (!failure) {
    if (state.exited) failure = `anvil exited with code ${child.exitCode ?? child.signalCode}`;
    else if (Date.now() > deadline) failure = `anvil did not answer on ${rpcUrl}`;
    else if (!output.listening) await new Promise((resolve) => setTimeout(resolve, 50));
    else {
      const chainId = await answersChainId(rpcUrl);
      if (chainId === options.chainId) return { chainId, rpcUrl, port, stop };
      if (chainId !== undefined) failure = `port ${port} answers with chain id ${chainId}`;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  await stop();
  const tail = output.lines.length > 0 ? `; last output:\n${output.lines.join("\n")}` : "";
  throw new AnvilStartError(
    `Could not start anvil for chain ${options.chainId}: ${failure}${tail}`,
    /address already in use|addrinuse/i.test(output.lines.join("\n")),
  );
}

/**
 * Starts anvil on 127.0.0.1 and resolves once `eth_chainId` answers with `chainId`. With
 * `stateFile`, chain state is loaded from it when present and dumped to it when `stop()` sends
 * SIGTERM (stop resolves after the process has exited, so the dump is complete). The process is
 * killed when this Node process exits, so none is left behind (except after a SIGKILL of the
 * parent, which no handler can see). Throws, quoting anvil's last output lines, when anvil exits
 * or does not answer in time.
 */
export async function startAnvil(options: AnvilOptions): Promise<AnvilInstance> {
  if (options.stateFile) await mkdir(path.dirname(options.stateFile), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const preferred = attempt === 1 ? options.preferredPort : undefined;
    const port = options.port ?? preferred ?? (await findFreePort());
    try {
      const anvil = await launch(options, port);
      log.info(
        { chain_id: anvil.chainId, rpc_url: anvil.rpcUrl, state_file: options.stateFile },
        "Started anvil",
      );
      return anvil;
    } catch (error) {
      // The preferred port may be taken, or another process may grab the free port between our
      // probe and anvil's bind: try another.
      const retry = error instanceof AnvilStartError && error.portInUse && !options.port;
      if (!retry || attempt >= 3) throw error;
    }
  }
}
