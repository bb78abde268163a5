import { z } from "zod";
import { invalidField, validationFailed } from "@/lib/api/errors";
import { parsePythonJson } from "@/lib/evidence/python-json-parse";
import { pythonJsonDumps, type PyJsonValue } from "@/lib/evidence/python-json";
import { decodeTeeSignature } from "@/lib/evidence/tee-signature-encoding";
import {
  addressSchema,
  batchResultSchema,
  evidenceSecondsSchema,
  hash32Schema,
  lineSchema,
  textSchema,
} from "@/lib/api/schemas/common";
import { opengradientCostSchema, paymentResponseSchema } from "@/lib/api/schemas/request-amount";

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
  tee_signature: teeSignatureSchema(),
  tee_request_hash: hash32Schema,
  tee_output_hash: hash32Schema,
  tee_timestamp: evidenceSecondsSchema,
  tee_id: hash32Schema,
  model: lineSchema(300).refine((v: string) => v.length > 0, "must name the model"),
  request: z.record(z.string(), z.unknown()).optional(),
  reply: textSchema(1_000_000).optional(),
  x402_session: lineSchema(200)
    .refine((v: string) => v.length > 0, "must not be empty")
    .optional(),
  payer: addressSchema.optional(),
  // The gateway's per-request amount, if the integrator passes it on (request-amount.ts).
  opengradient: opengradientCostSchema.optional(),
  x402_payment_response: paymentResponseSchema.optional(),
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
export const receiptsResultSchema = batchResultSchema({});

export type ReceiptsResult = z.infer<typeof receiptsResultSchema>;

/** A receipt ready to store: parsed fields, plus JSON texts that keep numbers as written. */
export interface ParsedReceipt {
  receipt: Receipt;
  /** The posted receipt, as JSON text. */
  rawJson: string;
  /** The posted request, as JSON text, or null. */
  requestJson: string | null;
}

/**
 * Validates a posted body (one receipt, or `{ receipts }`) and pairs each parsed receipt
 * with its raw JSON. Throws a 422 ApiError naming the item and field, e.g.
 * `receipts[3].tee_output_hash: must be 32 bytes of hex`.
 *
 * Note: `JSON.parse` turns `1.0` into `1` and rounds integers past 2^53, and the request
 * hash covers the number exactly as the client sent it (a tool schema's `"minimum": 1.0`).
 * So the stored copies are re-serialised from the body's text parsed the way Python
 * parses it, and PostgreSQL's jsonb keeps `1.0` as written.
 */
export function parseReceiptsBody(body: unknown, text: string): ParsedReceipt[] {
  const isBatch = typeof body === "object" && body !== null && "receipts" in body;
  const parsed = isBatch ? receiptsBodySchema.safeParse(body) : receiptSchema.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error);
  const receipts = isBatch
    ? (parsed.data as z.output<typeof receiptsBodySchema>).receipts
    : [parsed.data as Receipt];
  const exact = parseExact(text);
  const exactItems = isBatch ? (exact.receipts as PyRecord[]) : [exact];
  return receipts.map((receipt, i) => {
    const item = exactItems[i]!;
    const request = item.request;
    return {
      receipt,
      rawJson: pythonJsonDumps(item, { sortKeys: false }),
      requestJson: request === undefined ? null : pythonJsonDumps(request, { sortKeys: false }),
    };
  });
}

type PyRecord = { readonly [key: string]: PyJsonValue };

/**
 * The base64 RSA-PSS signature, decoded at the door (lib/evidence/tee-signature-encoding):
 * only canonical standard base64 of 256 bytes is stored, which the linker's
 * `decode(signature, 'base64')`, the verifier and the content key all read the same way.
 */
function teeSignatureSchema() {
  return z
    .string()
    .max(4096, "must be the base64 RSA-PSS signature (at most 4096 characters)")
    .superRefine((v, ctx) => {
      const decoded = decodeTeeSignature(v);
      if ("problem" in decoded) {
        const message = `must be the base64 RSA-PSS signature (${decoded.problem})`;
        ctx.addIssue({ code: "custom", message });
      }
    });
}

/**
 * The body parsed as Python parses it. readJsonBody already refused what JSON.parse could
 * not keep (numbers overflowing a double, NUL, deep nesting); this is the backstop for
 * whatever the two parsers still disagree on, answered as the client's mistake.
 */
function parseExact(text: string): PyRecord {
  try {
    return parsePythonJson(text) as PyRecord;
  } catch (error) {
    throw invalidField("(body)", `cannot be read exactly as written: ${(error as Error).message}`);
  }
}
