import path from "node:path";
import pino from "pino";
import pretty from "pino-pretty";
import { format } from "node:util";
import { redactSecrets, registerSecretUrls, registeredSecretUrls } from "@/lib/chain/redact-url";

/** The process names every line carries, by the script that started the process. */
const PROCESS_OF_SCRIPT: Record<string, string> = {
  start: "supervisor",
  serve: "app",
  indexer: "indexer",
};

/**
 * Which process is logging: PROVENANCE_PROCESS when the supervisor (scripts/lib/stack.ts)
 * set it for its children, else named after the script that was run (`start.ts` is the
 * supervisor, `serve.ts` the app, `indexer.ts` the indexer), else the script's own name.
 */
function processName(): string {
  if (process.env.PROVENANCE_PROCESS) return process.env.PROVENANCE_PROCESS;
  const script = path.basename(process.argv[1] ?? "node").replace(/\.[cm]?[jt]s$/, "");
  return PROCESS_OF_SCRIPT[script] ?? script;
}

/** Whether this process's output is read by a person (pretty) or by a machine (JSON lines). */
export const prettyOutput = Boolean(process.stdout.isTTY);

// The RPC URLs given in the environment are secrets wherever they appear in a line.
registerSecretUrls(
  Object.entries(process.env)
    .filter(([name, value]) => name.endsWith("_RPC_URL") && value)
    .map(([, value]) => value!),
);

const target = prettyOutput
  ? pretty({ colorize: true, sync: true, ignore: "pid,hostname,process" })
  : pino.destination({ dest: 1, sync: true });

/**
 * The one logger for everything under lib/: one JSON object per line, sentence-case
 * `msg`, snake_case fields, and `process` (app, indexer, supervisor) on every line. On a
 * terminal the same objects are printed readably (a synchronous stream, no worker thread);
 * anywhere else only JSON lines are written, never human text beside them. `LOG_LEVEL` is
 * read here directly, not through lib/env.ts, because the logger must work before
 * configuration has been validated. Every line passes through redactSecrets first, so an RPC
 * key inside a message, a field or an error's stack never reaches the log.
 */
export const log = pino(
  {
    level: process.env.LOG_LEVEL ?? "info",
    base: { process: processName() },
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  { write: (line: string) => target.write(redactSecrets(line, registeredSecretUrls())) },
);

/**
 * Off a terminal, sends what libraries print with console.* (Next's "✓ Ready", its
 * warnings) through the logger, so that a process's output stays JSON lines throughout.
 * On a terminal nothing changes.
 */
export function routeConsoleToLog(): void {
  if (prettyOutput) return;
  const line = (args: unknown[]) =>
    format(...args)
      .replace(/\x1b\[[0-9;]*m/g, "")
      .trim();
  const to =
    (level: "debug" | "info" | "warn" | "error") =>
    (...args: unknown[]) => {
      const text = line(args);
      if (text) log[level]({ source: "console" }, text);
    };
  Object.assign(console, {
    log: to("info"),
    info: to("info"),
    warn: to("warn"),
    error: to("error"),
    debug: to("debug"),
  });
}
