import { ConfigError, dataDir, getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { startStack, type Stack } from "./lib/stack";

/**
 * `npm start`: the whole product on one machine with no configuration. Prints what it
 * started and where; Ctrl-C stops every child and keeps the data for the next start.
 */
async function main() {
  const env = getEnv();
  const mode = process.argv.includes("--dev") ? "dev" : "start";
  const say = (line: string) => process.stdout.write(`provenance: ${line}\n`);
  const running: { stack?: Stack } = {};
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal} received, stopping`);
    await running.stack?.stop();
    say("stopped; data kept in " + dataDir(env));
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  const stack = await startStack({ env, dataDir: dataDir(env), port: env.PORT, say, mode });
  running.stack = stack;
  if (stopping) return;
  say(`dashboard: ${stack.appUrl}`);
  say("press Ctrl-C to stop");
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`provenance: ${error.message}\n`);
  } else {
    log.error({ err: error }, "Start failed");
    process.stderr.write(`provenance: start failed: ${(error as Error).message}\n`);
  }
  process.exit(1);
});
