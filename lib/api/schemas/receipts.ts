import { z } from "zod";
import { validationFailed } from "@/lib/api/errors";
import {
  addressSchema,
  hash32Schema,
  textSchema,
  unixSecondsSchema,
} from "@/lib/api/schemas/common";

/** At most this many receipts in one request. */
export const MAX_RECEIPTS_PER_REQUEST = 1000;
/** At most this many bytes in one request body. */
export const MAX_RECEIPT_BODY_BYTES = 5 * 1024 * 1024;

/**
 * One TEE receipt as the gateway returns it (FACTS.md, "The signed LLM response"), plus
 * what only the integrator knows: the x402 session and payer, and optionally the request
 * and reply so the hashes can be recomputed. Unknown fields (the rest of the OpenAI-style
 * response) are accepted and kept in the raw copy.
 */
export const receiptSchema = z.looseObject({
  tee_signature: z
    .string()
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be the base64 RSA-PSS signature")
    .max(4096),
  tee_request_hash: hash32Schema,
  tee_output_hash: hash32Schema,
  tee_timestamp: unixSecondsSchema,
  tee_id: hash32Schema,
  model: textSchema(300).refine((v: string) => v.length > 0, "must name the model"),
  request: z.record(z.string(), z.unknown()).optional(),
  reply: textSchema(1_000_000).optional(),
  x402_session: textSchema(200)
    .refine((v: string) => v.length > 0, "must not be empty")
    .optional(),
  payer: addressSchema.optional(),
});

export type ReceiptInput = z.input<typeof receiptSchema>;
export type Receipt = z.output<typeof receiptSchema>;

/** The body: one receipt, or `{ "receipts": [ ... ] }` with 1 to 1,000 of them. */
export const receiptsBodySchema = z.object({
  receipts: z
    .array(receiptSchema)
    .min(1, "must hold at least one receipt")
    .max(MAX_RECEIPTS_PER_REQUEST, `must hold at most ${MAX_RECEIPTS_PER_REQUEST} receipts`),
});

/** What the API answers: per item, in request order, whether it was new. */
export const receiptsResultSchema = z.object({
  created: z.number().int(),
  duplicates: z.number().int(),
  results: z.array(
    z.object({
      index: z.number().int(),
      id: z.string(),
      status: z.enum(["created", "duplicate"]),
    }),
  ),
});

export type ReceiptsResult = z.infer<typeof receiptsResultSchema>;

/**
 * Validates a posted body (one receipt, or `{ receipts }`) and pairs each parsed receipt
 * with its raw JSON. Throws a 422 ApiError naming the item and field, e.g.
 * `receipts[3].tee_output_hash: must be 32 bytes of hex`.
 */
export function parseReceiptsBody(body: unknown): { raw: unknown; receipt: Receipt }[] {
  const isBatch = typeof body === "object" && body !== null && "receipts" in body;
  if (!isBatch) {
    const one = receiptSchema.safeParse(body);
    if (!one.success) throw validationFailed(one.error);
    return [{ raw: body, receipt: one.data }];
  }
  const batch = receiptsBodySchema.safeParse(body);
  if (!batch.success) throw validationFailed(batch.error);
  const raws = (body as { receipts: unknown[] }).receipts;
  return batch.data.receipts.map((receipt, i) => ({ raw: raws[i], receipt }));
}
