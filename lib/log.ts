import pino from "pino";
import pretty from "pino-pretty";
import { redactSecrets, registerSecretUrls, registeredSecretUrls } from "@/lib/chain/redact-url";

// The RPC URLs given in the environment are secrets wherever they appear in a line.
registerSecretUrls(
  Object.entries(process.env)
    .filter(([name, value]) => name.endsWith("_RPC_URL") && value)
    .map(([, value]) => value!),
);

const target = process.stdout.isTTY
  ? pretty({ colorize: true, sync: true, ignore: "pid,hostname" })
  : pino.destination({ dest: 1, sync: true });

/**
 * The one logger for everything under lib/: one JSON object per line, sentence-case
 * `msg`, snake_case fields. On a terminal the same objects are printed readably (a
 * synchronous stream, no worker thread). Every line passes through redactSecrets first,
 * so an RPC key inside a message, a field or an error's stack never reaches the log.
 * `LOG_LEVEL` is read here directly, not through lib/env.ts, because the logger must work
 * before configuration has been validated.
 */
export const log = pino(
  {
    level: process.env.LOG_LEVEL ?? "info",
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  { write: (line: string) => target.write(redactSecrets(line, registeredSecretUrls())) },
);
