import { z } from "zod";

/** 32 bytes of hex, with or without 0x (the gateway sends none); stored 0x-lowercase. */
export const hash32Schema = z
  .string()
  .regex(/^(0x)?[0-9a-fA-F]{64}$/, "must be 32 bytes of hex (64 hex digits, 0x optional)")
  .transform((v) => `0x${v.replace(/^0x/, "").toLowerCase()}` as `0x${string}`);

/** A 20-byte address, stored lowercase. */
export const addressSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte address")
  .transform((v) => v.toLowerCase() as `0x${string}`);

/** Even-length 0x-hex bytes, stored lowercase. */
export const hexBytesSchema = z
  .string()
  .regex(/^0x([0-9a-fA-F]{2})+$/, "must be 0x-prefixed hex bytes")
  .transform((v) => v.toLowerCase() as `0x${string}`);

/** 9999-12-31T23:59:59Z: as far as a timestamp column (and a person) can follow. */
export const MAX_UNIX_SECONDS = 253_402_300_799n;

/** Unix seconds as a number or a decimal string (uint256 on the wire), kept exact. */
export const unixSecondsSchema = z
  .union(
    [z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,20}$/)],
    { error: "must be unix seconds: a whole number, or a decimal string" },
  )
  .transform((v) => BigInt(v))
  .refine((v) => v <= MAX_UNIX_SECONDS, "must be unix seconds no later than the year 9999");

/** 2020-01-01T00:00:00Z: no TEE receipt or agent statement this product reads is older. */
export const MIN_EVIDENCE_SECONDS = 1_577_836_800n;
/** 2100-01-01T00:00:00Z: later is a clock or a client gone wrong, and would stretch every timeline. */
export const MAX_EVIDENCE_SECONDS = 4_102_444_800n;

/** When a piece of evidence says it happened: unix seconds from 2020 up to (not including) 2100. */
export const evidenceSecondsSchema = unixSecondsSchema.refine(
  (v) => v > MAX_UNIX_SECONDS || (v >= MIN_EVIDENCE_SECONDS && v < MAX_EVIDENCE_SECONDS),
  "must be unix seconds between 2020-01-01 and 2100-01-01",
);

/** An EVM chain id as we store it (a 32-bit signed integer column). */
export const chainIdSchema = z
  .number()
  .int()
  .positive("must be the EVM chain id the agent acts on")
  .max(2_147_483_647, "must be a chain id below 2^31");

/**
 * Where `text` first breaks the rules for text we store and show: a NUL (PostgreSQL cannot
 * store it), an unpaired UTF-16 surrogate (not Unicode), or a control character (category
 * Cc: C0, DEL, C1). Tab, line feed and carriage return are allowed when `multiline`.
 * Answers a sentence naming the character and its position, or null when the text is clean.
 */
export function textProblem(text: string, multiline: boolean): string | null {
  if (!text.isWellFormed()) return "must be valid Unicode (it holds an unpaired UTF-16 surrogate)";
  const at = (multiline ? MULTILINE_CONTROL : ANY_CONTROL).exec(text);
  if (!at) return null;
  const code = at[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
  const what = code === "0000" ? "a NUL character" : "a control character";
  return `must be text without control characters (${what}, U+${code}, at position ${at.index})`;
}

const ANY_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const MULTILINE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Free text (a reply, a reason, a signed message) that PostgreSQL can store and a page can
 * show: valid Unicode, no NUL, no control characters but tab and line breaks, at most `max`
 * characters.
 */
export function textSchema(max: number) {
  return z
    .string()
    .max(max)
    .superRefine((s, ctx) => {
      const problem = textProblem(s, true);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });
}

/**
 * One line of text that names something (a model, a session): as {@link textSchema}, and
 * no line breaks or tabs either.
 */
export function lineSchema(max: number) {
  return z
    .string()
    .max(max)
    .superRefine((s, ctx) => {
      const problem = textProblem(s, false);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });
}

/** The answer to a batch post: per item, in request order, whether it was new. */
export function batchResultSchema<T extends z.ZodRawShape>(item: T) {
  return z.object({
    created: z.number().int(),
    duplicates: z.number().int(),
    results: z.array(
      z.object({
        index: z.number().int(),
        id: z.string(),
        status: z.enum(["created", "duplicate"]),
        ...item,
      }),
    ),
  });
}
