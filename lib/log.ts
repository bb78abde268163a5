import pino from "pino";

/**
 * The one logger for everything under lib/: one JSON object per line, sentence-case
 * `msg`, snake_case fields. `LOG_LEVEL` is read here directly (not through lib/env.ts)
 * because the logger must work before configuration has been validated.
 */
export const log = pino({
  level: process.env.LOG_LEVEL ?? "info",
  base: undefined,
  timestamp: pino.stdTimeFunctions.isoTime,
});
