import pino from "pino";
import pretty from "pino-pretty";

/**
 * The one logger for everything under lib/: one JSON object per line, sentence-case
 * `msg`, snake_case fields. On a terminal the same objects are printed readably (a
 * synchronous stream, no worker thread). `LOG_LEVEL` is read here directly, not through
 * lib/env.ts, because the logger must work before configuration has been validated.
 */
export const log = pino(
  {
    level: process.env.LOG_LEVEL ?? "info",
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  process.stdout.isTTY ? pretty({ colorize: true, sync: true, ignore: "pid,hostname" }) : undefined,
);
