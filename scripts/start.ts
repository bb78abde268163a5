import { assertAuditKey, ConfigError, dataDir, getEnv } from "@/lib/env";
import { redactSecrets, registeredSecretUrls } from "@/lib/chain/redact-url";
import { log, prettyOutput, routeConsoleToLog } from "@/lib/log";
import { startStack, stopAll } from "./lib/stack";

/**
 * `npm start`: the whole product on one machine with no configuration. Prints what it
 * started and where; Ctrl-C stops every child and keeps the data for the next start.
 */
// Set once Ctrl-C (or SIGTERM) arrived: startup errors after that are the shutdown's doing.
let stopping = false;

async function main() {
  routeConsoleToLog();
  const env = getEnv();
  assertAuditKey(env);
  const mode = process.argv.includes("--dev") ? "dev" : "start";
  // A person at a terminal reads plain lines; anything else gets the same as JSON log lines,
  // shown whatever LOG_LEVEL says, as the plain lines are. Both pass the secret redaction (the
  // logger redacts its lines): a keyed RPC URL never reaches the output.
  const announce = log.child({}, { level: "info" });
  const say = prettyOutput
    ? (line: string) =>
        process.stdout.write(`provenance: ${redactSecrets(line, registeredSecretUrls())}\n`)
    : (line: string) => announce.info(line);
  const stops: (() => Promise<void>)[] = [];
  // Aborted first thing on Ctrl-C: the supervisor must not restart what is being stopped.
  const shuttingDown = new AbortController();
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    shuttingDown.abort();
    say(`${signal} received, stopping`);
    await stopAll(stops);
    say("stopped; data kept in " + dataDir(env));
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  const stack = await startStack({
    env,
    dataDir: dataDir(env),
    port: env.PORT,
    say,
    mode,
    stops,
    signal: shuttingDown.signal,
  });
  if (stopping) return;
  say(`dashboard: ${stack.appUrl}`);
  say("press Ctrl-C to stop");
}

main().catch((error: unknown) => {
  if (stopping) return;
  if (error instanceof ConfigError) {
    const message = redactSecrets(error.message, registeredSecretUrls());
    if (prettyOutput) process.stderr.write(`provenance: ${message}\n`);
    else log.fatal(message);
  } else {
    log.error({ err: error }, "Start failed");
    if (prettyOutput) {
      const message = redactSecrets((error as Error).message, registeredSecretUrls());
      process.stderr.write(`provenance: start failed: ${message}\n`);
    }
  }
  process.exit(1);
});
