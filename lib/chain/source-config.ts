import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, isAddress } from "viem";
import { z } from "zod";
import { registerSecretUrls } from "@/lib/chain/redact-url";

/**
 * Source configuration: which contracts the indexer reads, as rows of
 * `(chainId, rpcUrl, kind, address, abiVersion, fromBlock, label)`. OpenGradient's addresses
 * rotate, so a source is never a constant: the devnet writes `.data/devnet/sources.json`, and
 * `config/sources.opengradient.json` holds the real deployments from FACTS.md.
 *
 * RPC URLs of real chains are not ours to hard-code (and may carry API keys), so `rpcUrl` may
 * be, or contain, an environment placeholder `${NAME}` (e.g. `"${OG_RPC_URL}"`).
 * {@link loadSourceConfig} substitutes it from the `env` map its caller passes (lib/env.ts is
 * the only reader of process.env) and fails, naming the variable, when it is missing.
 *
 * `abiVersion` selects the read-function layout of a kind, not which events to match (topics of
 * different versions never collide, so the indexer decodes every version's events by topic0):
 * - tee_registry: 1 = og-evm `getTEE` tuple; 2 = current registry, tuple + `ohttpConfig`.
 * - settlement_relay: 1 = legacy events only; 2 = `IndividualSettlement`/`BatchSettlement`.
 * - every other kind: 1.
 *
 * The file is that array, or an object `{ "sources": [...], "agents": [{ address, label }] }`
 * whose `agents` are the known agents (their actions count in blast radius headlines; anyone
 * else's are shown apart as unknown agents). The devnet writes the object form.
 */
export const SOURCE_KINDS = [
  "tee_registry",
  "settlement_relay",
  "inference_hub",
  "workflow_scheduler",
  "opg_token",
  "x402_proxy",
] as const;

/** The kind of contract a source row points at; selects its ABI and decoder. */
export type SourceKind = (typeof SOURCE_KINDS)[number];

const RPC_PROTOCOLS = new Set(["http:", "https:", "ws:", "wss:"]);

function isHttpUrl(value: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function isRpcUrl(value: string): boolean {
  try {
    return RPC_PROTOCOLS.has(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** One source row. Addresses come out checksummed. */
export const sourceRowSchema = z.object({
  chainId: z.number().int().positive(),
  rpcUrl: z.string().refine(isRpcUrl, { message: "must be an http(s) or ws(s) URL" }),
  kind: z.enum(SOURCE_KINDS),
  address: z
    .string()
    .refine((value) => isAddress(value, { strict: false }), {
      message: "must be a 0x-prefixed 20-byte hex address",
    })
    .transform((value) => getAddress(value)),
  abiVersion: z.number().int().positive(),
  fromBlock: z.number().int().nonnegative(),
  label: z.string().min(1),
  /**
   * settlement_relay only: where batch blobs (Merkle tree dumps) are fetched, as
   * `${blobStoreUrl}/blobs/<walrusBlobId>`. May hold a `${NAME}` placeholder.
   */
  blobStoreUrl: z.string().refine(isHttpUrl, { message: "must be an http(s) URL" }).optional(),
  /** opg_token only: the payees whose incoming transfers are x402 payments. */
  payees: z
    .array(
      z
        .string()
        .refine((value) => isAddress(value, { strict: false }), {
          message: "must be a 0x-prefixed 20-byte hex address",
        })
        .transform((value) => getAddress(value)),
    )
    .optional(),
});

/** The whole file: an array of rows, at most one row per (chainId, address, kind). */
export const sourceConfigSchema = z.array(sourceRowSchema).superRefine((rows, ctx) => {
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const key = `${row.chainId}:${row.address.toLowerCase()}:${row.kind}`;
    if (seen.has(key)) {
      ctx.addIssue({
        code: "custom",
        path: [index, "address"],
        message: `duplicates an earlier ${row.kind} row on chain ${row.chainId}`,
      });
    }
    seen.add(key);
  });
});

const checksummedAddress = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), {
    message: "must be a 0x-prefixed 20-byte hex address",
  })
  .transform((value) => getAddress(value));

/** A known agent listed in the config: its address and how people call it. */
export const configAgentSchema = z.strictObject({
  address: checksummedAddress,
  label: z.string().trim().min(1).max(80),
});
export type ConfigAgent = z.infer<typeof configAgentSchema>;

/** The whole file in either form; the object form may list known agents (unique addresses). */
export const sourceFileSchema = z.union([
  sourceConfigSchema.transform((sources) => ({ sources, agents: [] as ConfigAgent[] })),
  z
    .strictObject({
      sources: sourceConfigSchema,
      agents: z.array(configAgentSchema).default([]),
    })
    .superRefine((file, ctx) => {
      const seen = new Set<string>();
      file.agents.forEach((agent, index) => {
        const key = agent.address.toLowerCase();
        if (seen.has(key)) {
          ctx.addIssue({
            code: "custom",
            path: ["agents", index, "address"],
            message: "duplicates an earlier agent",
          });
        }
        seen.add(key);
      });
    }),
]);
export type SourceFile = z.infer<typeof sourceFileSchema>;

/** A validated source row. */
export type SourceRow = z.infer<typeof sourceRowSchema>;
/** A validated source configuration. */
export type SourceConfig = z.infer<typeof sourceConfigSchema>;

/** Environment map for `${NAME}` placeholders in `rpcUrl`. */
export type PlaceholderEnv = Readonly<Record<string, string | undefined>>;

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function substitutePlaceholders(raw: unknown, env: PlaceholderEnv, file: string): unknown {
  if (isObjectForm(raw)) return { ...raw, sources: substitutePlaceholders(raw.sources, env, file) };
  if (!Array.isArray(raw)) return raw;
  return raw.map((row: unknown, index) => {
    if (typeof row !== "object" || row === null) return row;
    const out: Record<string, unknown> = { ...row };
    for (const field of ["rpcUrl", "blobStoreUrl"] as const) {
      const value = out[field];
      if (typeof value !== "string") continue;
      out[field] = value.replace(PLACEHOLDER, (_match, name: string) => {
        const resolved = env[name];
        if (!resolved) {
          throw new Error(
            `Invalid source config ${file}: ${field} of row ${index} needs environment variable ${name}, which is not set.`,
          );
        }
        return resolved;
      });
    }
    return out;
  });
}

function isObjectForm(raw: unknown): raw is { sources: unknown; agents?: unknown } {
  return typeof raw === "object" && raw !== null && !Array.isArray(raw);
}

/** The first issue of the form the file is written in (a union reports both forms' issues). */
function firstIssue(raw: unknown, error: z.ZodError): z.core.$ZodIssue | undefined {
  const issue = error.issues[0];
  if (issue?.code !== "invalid_union") return issue;
  const branch = issue.errors[isObjectForm(raw) ? 1 : 0];
  return branch?.[0] ?? issue;
}

function describeIssue(file: string, raw: unknown, issue: z.core.$ZodIssue): string {
  if (isObjectForm(raw) && issue.path[0] === "agents") {
    const [, index, ...field] = issue.path;
    const where =
      typeof index === "number"
        ? `${field.map(String).join(".") || "entry"} of agent ${index}`
        : "agents";
    return `Invalid source config ${file}: ${where} ${issue.message}.`;
  }
  if (isObjectForm(raw) && issue.path[0] === "sources") {
    return describeIssue(file, raw.sources, { ...issue, path: issue.path.slice(1) });
  }
  const [index, field, ...rest] = issue.path;
  if (typeof index !== "number" || field === undefined) {
    return `Invalid source config ${file}: ${issue.message} (the file must be a JSON array of source rows).`;
  }
  const row = Array.isArray(raw) ? (raw[index] as Record<string, unknown> | undefined) : undefined;
  const label = typeof row?.label === "string" ? ` ("${row.label}")` : "";
  const value = row?.[String(field)];
  const got = rest.length === 0 && value !== undefined ? `, got ${JSON.stringify(value)}` : "";
  const name = [field, ...rest].map(String).join(".");
  return `Invalid source config ${file}: ${name} of row ${index}${label} ${issue.message}${got}.`;
}

/**
 * Validates a raw (already JSON-parsed) source file in either form: its rows and known agents.
 * Throws an Error whose message is one sentence naming the file, the row and the bad field.
 */
export function parseSourceFile(
  raw: unknown,
  file = "<inline>",
  env: PlaceholderEnv = {},
): SourceFile {
  const substituted = substitutePlaceholders(raw, env, file);
  const result = sourceFileSchema.safeParse(substituted);
  if (result.success) return result.data;
  const issue = firstIssue(raw, result.error);
  throw new Error(issue ? describeIssue(file, raw, issue) : `Invalid source config ${file}.`, {
    cause: result.error,
  });
}

/** The source rows of a raw source file (see {@link parseSourceFile}). */
export function parseSourceConfig(raw: unknown, file = "<inline>", env: PlaceholderEnv = {}) {
  return parseSourceFile(raw, file, env).sources;
}

/**
 * Reads and validates a source configuration file, substituting `${NAME}` placeholders in
 * `rpcUrl` from `env`. Throws (not retryable: the file must be fixed) when the file is missing,
 * is not JSON, or a row is invalid; the message names the bad field, e.g. a malformed rpcUrl.
 */
export async function loadSourceConfig(
  file: string,
  options: { env?: PlaceholderEnv } = {},
): Promise<SourceConfig> {
  return (await loadSourceFile(file, options)).sources;
}

/** Reads a source file like {@link loadSourceConfig}, with the known agents it lists. */
export async function loadSourceFile(
  file: string,
  options: { env?: PlaceholderEnv } = {},
): Promise<SourceFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new Error(`Cannot read source config ${file}: ${(error as Error).message}.`, {
      cause: error,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`Source config ${file} is not valid JSON: ${(error as Error).message}.`, {
      cause: error,
    });
  }
  const parsed = parseSourceFile(raw, file, options.env ?? {});
  // The logger and error texts redact these wherever they appear (lib/chain/redact-url.ts).
  registerSecretUrls(parsed.sources.map((s) => s.rpcUrl));
  return parsed;
}

/**
 * Validates and writes a source configuration as pretty JSON (the object form when `agents`
 * are given), and returns the validated rows (addresses checksummed). The write goes through
 * a temporary file and a rename so that a reader never sees half a file.
 */
export async function writeSourceConfig(
  file: string,
  rows: SourceConfig,
  agents?: readonly ConfigAgent[],
): Promise<SourceConfig> {
  const valid = parseSourceFile(agents ? { sources: rows, agents } : rows, file);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(agents ? valid : valid.sources, null, 2)}\n`);
  await rename(tmp, file);
  return valid.sources;
}
