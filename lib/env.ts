import os from "node:os";
import path from "node:path";
import { z } from "zod";

/** Thrown when configuration is wrong; its message is one sentence naming the variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const booleanString = z
  .enum(["true", "false", "1", "0", ""])
  .transform((v) => v === "true" || v === "1");

const rpcUrl = z
  .string()
  .url()
  .refine(
    (u) => /^(https?|wss?):\/\//.test(u),
    "must start with http://, https://, ws:// or wss://",
  );

/**
 * Every environment variable the product reads, in one place. The README's
 * configuration table mirrors this schema.
 */
export const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .url()
    .refine((u) => /^postgres(ql)?:\/\//.test(u), "must be a postgres:// or postgresql:// URL")
    .optional(),
  DATA_DIR: z.string().min(1).default(".data"),
  SOURCES_FILE: z.string().min(1).optional(),
  DEVNET: booleanString.default(true),
  OG_RPC_URL: rpcUrl.optional(),
  BASE_RPC_URL: rpcUrl.optional(),
  BASE_SEPOLIA_RPC_URL: rpcUrl.optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  CHROMIUM_PATH: z.string().min(1).optional(),
  INGEST_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  TRUST_PROXY: booleanString.default(false),
  /** Worker threads that check signatures off the request thread; default: cores − 1, 1 to 4. */
  VERIFY_WORKERS: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(() => Math.max(1, Math.min(4, os.availableParallelism() - 1))),
  /** Signatures that may wait for a worker; beyond it ingest answers 503 with Retry-After. */
  VERIFY_QUEUE_LIMIT: z.coerce.number().int().min(500).max(1_000_000).default(2000),
  /**
   * Signed statements (agent actions) one client address may post per minute, each to be
   * validated and verified (a batch of 500 costs 500); beyond it 429 with Retry-After.
   * At least one full batch.
   */
  VERIFY_BUDGET_PER_MINUTE: z.coerce.number().int().min(500).max(10_000_000).default(3000),
  STORY_SEED: z.string().min(1).max(100).default("provenance"),
  STORY_REQUESTS: z.coerce.number().int().min(20).max(1_000_000).default(300),
  /** Comma-separated addresses that are admins whenever they sign in. */
  ADMIN_ADDRESSES: z
    .string()
    .default("")
    .transform((v) =>
      v
        .split(",")
        .map((a) => a.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^0x[0-9a-f]{40}$/, "must be 0x-prefixed 20-byte addresses"))),
  /** The app's public origin (https://host): what sign-in messages and cross-site checks expect. */
  APP_ORIGIN: z
    .string()
    .url()
    .transform((u) => new URL(u).origin)
    .optional(),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 30)
    .default(12),
  /** The key that signs audit checkpoints (0x + 64 hex); default: a key file in DATA_DIR. */
  AUDIT_SIGNING_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hex digits")
    .optional(),
  /**
   * Refuse to start without AUDIT_SIGNING_KEY. Default: required when DEVNET=false (a real
   * deployment), where a key made per data directory would not verify on another machine.
   */
  REQUIRE_AUDIT_KEY: booleanString.optional(),
  /** The address `npm run verify:audit` expects every checkpoint to be signed by. */
  AUDIT_SIGNER: z
    .string()
    .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address")
    .optional(),
  AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().min(1).max(1_000_000).default(100),
  /**
   * Whether anyone may read the dashboard and the read API. `false` makes the deployment
   * private: readers sign in, or open one output, dispute or incident with a share link.
   */
  PUBLIC_READ: booleanString.default(true),
  /**
   * When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>` (set it in
   * production); unset, /metrics is open like the read API.
   */
  /**
   * Seconds after which a chain's indexer heartbeat (or its last sync) counts as stale: the
   * home page shows it in red and /api/ready answers 503. The indexer beats every 2 s.
   */
  HEARTBEAT_STALE_SECONDS: z.coerce.number().int().min(3).max(3600).default(6),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
});

export type Env = z.infer<typeof envSchema>;

/** Parses an environment object; throws ConfigError naming the first bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ""),
  );
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0] ?? "environment");
    throw new ConfigError(
      `${name} is invalid: ${issue.message} (got "${redact(source[name] ?? "")}").`,
    );
  }
  return result.data;
}

/** A value as it may be printed: the password of a URL is replaced by `***`. */
function redact(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]*@/i, "$1:***@");
}

/** Whether this deployment must be given AUDIT_SIGNING_KEY (see REQUIRE_AUDIT_KEY). */
export function auditKeyRequired(env: Env): boolean {
  return env.REQUIRE_AUDIT_KEY ?? !env.DEVNET;
}

/** Throws a one-sentence ConfigError when AUDIT_SIGNING_KEY is required but not set. */
export function assertAuditKey(env: Env): void {
  if (env.AUDIT_SIGNING_KEY || !auditKeyRequired(env)) return;
  const why = env.REQUIRE_AUDIT_KEY ? "REQUIRE_AUDIT_KEY=true" : "DEVNET=false";
  throw new ConfigError(
    `AUDIT_SIGNING_KEY is required with ${why}: set it to a 0x-prefixed 32-byte key so audit checkpoints verify on any machine (npm run verify:audit -- --signer <its address>).`,
  );
}

let cached: Env | undefined;

/** The parsed process environment, read once. The only reader of process.env. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Absolute path of the data directory (embedded Postgres, anvil state, devnet config). */
export function dataDir(env: Env = getEnv()): string {
  return path.resolve(env.DATA_DIR);
}

/** Where the source configuration lives: explicit file, else the devnet's, else OpenGradient's. */
export function sourcesFile(env: Env = getEnv()): string {
  if (env.SOURCES_FILE) return path.resolve(env.SOURCES_FILE);
  if (env.DEVNET) return path.join(dataDir(env), "devnet", "sources.json");
  return path.resolve("config", "sources.opengradient.json");
}

/** Values for `${NAME}` placeholders in the source configuration's RPC urls. */
export function rpcPlaceholders(env: Env = getEnv()): Record<string, string | undefined> {
  return {
    OG_RPC_URL: env.OG_RPC_URL,
    BASE_RPC_URL: env.BASE_RPC_URL,
    BASE_SEPOLIA_RPC_URL: env.BASE_SEPOLIA_RPC_URL,
  };
}
