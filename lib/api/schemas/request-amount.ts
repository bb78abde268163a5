import { z } from "zod";
import { addressSchema, textSchema } from "@/lib/api/schemas/common";

// What the OpenGradient gateway says one request cost. Two places carry it:
//
// - `opengradient.cost_opg` on the response body. OpenGradient/tee-gateway computes the cost
//   of each request in `tee_gateway/pricing.py` (`SessionCost {cost_opg, cost_usd,
//   opg_price_usd}`, every field serialised as a JSON string), embeds it on the response
//   under the `opengradient` key (`tee_gateway/controllers/chat_controller.py`), and its x402
//   session cost calculator (`tee_gateway/__main__.py`) reads the same block back to add the
//   cost to the upto session, so the payment that settles the session is the sum of them
//   (less any overflow when the session hit its cap: `tee_gateway/x402_settlement.py`).
// - the x402 v2 `PAYMENT-RESPONSE` header (v1 `X-PAYMENT-RESPONSE`): base64 of the
//   facilitator's `SettleResponse {success, errorReason?, errorMessage?, payer?, transaction,
//   network, amount?, extensions?}`. The header is sent only when a request was settled on
//   its own (OpenGradient/x402 `python/x402/http/middleware/flask.py`, legacy mode); upto
//   sessions settle later, from a background reaper, with no header per request.
//
// Neither is signed by the enclave: they only decide how one payment is split inside its
// session, never the payment's value.

/** At most uint256: the largest amount a token transfer can carry. */
const UINT256_MAX = (1n << 256n) - 1n;
/** A PAYMENT-RESPONSE header is a few hundred bytes; this leaves room for extensions. */
const MAX_PAYMENT_RESPONSE_CHARS = 8192;

/** Token base units as a decimal string (the gateway's wire form), 0 to 2^256 − 1. */
export const baseUnitsSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, "must be whole token base units as a decimal string")
  // Note: zod runs this check even when the pattern failed; BigInt() would throw on "1.5".
  .refine(
    (v) => !/^\d+$/.test(v) || BigInt(v) <= UINT256_MAX,
    "must be at most 2^256 - 1 base units",
  );

/** A decimal figure such as "0.0123" (USD amounts and prices), as a string. */
const decimalStringSchema = z
  .string()
  .regex(/^[0-9]{1,40}(\.[0-9]{1,40})?$/, "must be a decimal number as a string");

/** The `opengradient` block of a gateway response (tee-gateway `SessionCost`). */
export const opengradientCostSchema = z
  .object({
    cost_opg: baseUnitsSchema,
    cost_usd: decimalStringSchema.optional(),
    opg_price_usd: decimalStringSchema.optional(),
  })
  .meta({
    description:
      "The gateway's cost of this request (OpenGradient/tee-gateway SessionCost): cost_opg in OPG base units, as a decimal string. Allocates the session's payment by amount.",
  });

/** x402 v2 `SettleResponse`, as the PAYMENT-RESPONSE header carries it. */
export const settleResponseSchema = z.object({
  success: z.boolean({ error: "must be true or false" }),
  errorReason: textSchema(500).optional(),
  errorMessage: textSchema(2000).optional(),
  payer: addressSchema.optional(),
  transaction: textSchema(200),
  network: textSchema(100),
  amount: baseUnitsSchema.optional(),
  extensions: z.record(z.string(), z.unknown()).optional(),
});

/**
 * The PAYMENT-RESPONSE header: its base64 text exactly as received, or the JSON it decodes
 * to. Decoded here, at the door, so nothing later has to.
 */
export const paymentResponseSchema = z
  .unknown()
  .transform((value, ctx) => {
    if (typeof value !== "string") return value;
    const decoded = decodeBase64Json(value);
    if (decoded === undefined) {
      ctx.addIssue({
        code: "custom",
        message: "must be the PAYMENT-RESPONSE header (base64 of a JSON object) or that object",
      });
      return z.NEVER;
    }
    return decoded;
  })
  .pipe(settleResponseSchema)
  .meta({
    description:
      "The x402 PAYMENT-RESPONSE (v1 X-PAYMENT-RESPONSE) header of this request: its base64 text as received, or the SettleResponse JSON it decodes to. Its amount, when the settlement succeeded, is this request's amount.",
    anyOf: [
      { type: "string", contentEncoding: "base64", maxLength: MAX_PAYMENT_RESPONSE_CHARS },
      withoutDialect(z.toJSONSchema(settleResponseSchema, { io: "input" })),
    ],
  });

function withoutDialect(jsonSchema: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(jsonSchema).filter(([k]) => k !== "$schema"));
}

function decodeBase64Json(text: string): unknown {
  if (text.length > MAX_PAYMENT_RESPONSE_CHARS || text.length % 4 !== 0) return undefined;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  if (bytes.toString("base64") !== text) return undefined; // not canonical
  try {
    const json = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}

export type RequestAmountSource = "opengradient.cost_opg" | "x402_payment_response.amount";

/**
 * The per-request amount a receipt carries, if any: `opengradient.cost_opg` first, else the
 * amount of a successful settlement. A failed settlement (`success: false`) paid nothing,
 * so its amount is not used.
 */
export function requestAmountOf(r: {
  opengradient?: { cost_opg: string };
  x402_payment_response?: { success: boolean; amount?: string };
}): { amount: string; source: RequestAmountSource } | null {
  if (r.opengradient) return { amount: r.opengradient.cost_opg, source: "opengradient.cost_opg" };
  const settle = r.x402_payment_response;
  if (settle?.success && settle.amount !== undefined) {
    return { amount: settle.amount, source: "x402_payment_response.amount" };
  }
  return null;
}
