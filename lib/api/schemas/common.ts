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

/** An EVM chain id as we store it (a 32-bit signed integer column). */
export const chainIdSchema = z
  .number()
  .int()
  .positive("must be the EVM chain id the agent acts on")
  .max(2_147_483_647, "must be a chain id below 2^31");

/** Free text PostgreSQL can store (no NUL) that is valid Unicode, at most `max` characters. */
export function textSchema(max: number) {
  return z
    .string()
    .max(max)
    .refine(
      (s) => !s.includes("\u0000") && s.isWellFormed(),
      "must be valid text without NUL characters",
    );
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
