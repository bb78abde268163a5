import { z } from "zod";
import { cursorSchema, limitSchema } from "./query";

export const FINDING_KINDS = [
  "version_not_live",
  "revoked_runtime",
  "bad_signature",
  "settlement_without_receipt",
  "receipt_never_settled",
  "payment_without_inference",
  "batch_blob_missing",
  "batch_root_mismatch",
  "stale_after_rollback",
  "receipt_after_settlement",
  "other",
  "unprocessable_evidence",
  "unregistered_enclave",
  "model_lookalike",
] as const;

export const findingListQuerySchema = z.object({
  kind: z.enum(FINDING_KINDS).optional(),
  status: z.enum(["open", "resolved", "all"]).default("open"),
  severity: z.enum(["critical", "warning", "info"]).optional(),
  model: z.string().max(300).optional(),
  cursor: cursorSchema.optional(),
  limit: limitSchema(50, 200),
});
export type FindingListQuery = z.output<typeof findingListQuerySchema>;

export const findingSchema = z.object({
  id: z.string(),
  kind: z.string(),
  severity: z.string(),
  message: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  detectedAt: z.string(),
  resolvedAt: z.string().nullable(),
  model: z.string().nullable(),
  /** Where its evidence is shown: the inference, output or transaction page. */
  href: z.string().nullable(),
  /** The incident it falls under (rollback findings of a marked version), when there is one. */
  incidentId: z.string().nullable(),
});
export type FindingItem = z.infer<typeof findingSchema>;

export const findingListSchema = z.object({
  /** Counts per kind and status, whatever the filters. */
  groups: z.array(
    z.object({ kind: z.string(), open: z.number().int(), resolved: z.number().int() }),
  ),
  items: z.array(findingSchema),
  nextCursor: z.string().nullable(),
});
export type FindingList = z.infer<typeof findingListSchema>;
