import { z } from "zod";
import { addressSchema, hash32Schema, textProblem } from "@/lib/api/schemas/common";
import { cursorSchema, limitSchema } from "@/lib/api/schemas/query";

/** Dispute bodies carry one text of up to 10,000 characters; anything larger is refused (413). */
export const MAX_DISPUTE_BODY_BYTES = 32 * 1024;
export const MAX_DISPUTE_TEXT_CHARS = 10_000;

export const DISPUTE_STATUSES = ["open", "under_review", "upheld", "rejected"] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

/**
 * The state machine. A dispute is opened; an operator takes it under review, then upholds or
 * rejects it; a decided dispute can be reopened (back under review) when new evidence comes.
 * Every move is made by an operator with a note; any other move is refused (409).
 */
export const DISPUTE_TRANSITIONS: Record<DisputeStatus, readonly DisputeStatus[]> = {
  open: ["under_review"],
  under_review: ["upheld", "rejected"],
  upheld: ["under_review"],
  rejected: ["under_review"],
};

/** "under review" rather than "under_review", for people. */
export const statusLabel = (status: DisputeStatus) => status.replace("_", " ");

/**
 * Free text of a dispute (reason, comment, note): valid Unicode without NUL or control
 * characters (line breaks and tabs allowed), stored trimmed, 1 to 10,000 characters once trimmed.
 */
export const disputeTextSchema = z
  .string()
  .superRefine((s, ctx) => {
    const problem = textProblem(s, true);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, "must not be empty")
      .max(MAX_DISPUTE_TEXT_CHARS, `must be at most ${MAX_DISPUTE_TEXT_CHARS} characters`),
  );

export const disputeIdSchema = z.uuid("must be a dispute id (a UUID)");

/** POST /api/v1/disputes */
export const openDisputeBodySchema = z.strictObject({
  outputHash: hash32Schema,
  reason: disputeTextSchema,
});
export type OpenDisputeBody = z.infer<typeof openDisputeBodySchema>;

/** POST /api/v1/disputes/{id}/comments */
export const disputeCommentBodySchema = z.strictObject({ body: disputeTextSchema });

/** POST /api/v1/disputes/{id}/status */
export const disputeStatusBodySchema = z.strictObject({
  status: z.enum(DISPUTE_STATUSES, {
    error: `must be one of ${DISPUTE_STATUSES.join(", ")}`,
  }),
  note: disputeTextSchema,
});

/** PUT /api/v1/disputes/{id}/incident: null unlinks. */
export const disputeIncidentBodySchema = z.strictObject({
  incidentId: z.uuid("must be an incident id (a UUID), or null to unlink").nullable(),
  note: disputeTextSchema,
});

/** GET /api/v1/disputes: filters, newest activity first, paged by cursor. */
export const disputeListQuerySchema = z.object({
  status: z.enum(DISPUTE_STATUSES).optional().meta({ description: "Only this status" }),
  model: z
    .string()
    .max(300)
    .optional()
    .meta({ description: "Model name, e.g. llm:openai/gpt-4.1" }),
  openedBy: addressSchema.optional().meta({ description: "Opened by this address" }),
  mentions: addressSchema
    .optional()
    .meta({ description: "The reason or a comment mentions @this address" }),
  incident: z
    .uuid("must be an incident id")
    .optional()
    .meta({ description: "Linked to this incident" }),
  output: hash32Schema.optional().meta({ description: "About this output hash" }),
  cursor: cursorSchema.optional().meta({ description: "nextCursor of the previous page" }),
  limit: limitSchema(50, 200),
});
export type DisputeListQuery = z.infer<typeof disputeListQuerySchema>;

const statusSchema = z.enum(DISPUTE_STATUSES);

export const disputeSummarySchema = z.object({
  id: z.string(),
  outputHash: z.string(),
  inferenceId: z.string().nullable(),
  openedBy: z.string(),
  reason: z.string(),
  status: statusSchema,
  incidentId: z.string().nullable(),
  models: z.array(z.string()),
  comments: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type DisputeSummary = z.infer<typeof disputeSummarySchema>;

export const disputePageSchema = z.object({
  disputes: z.array(disputeSummarySchema),
  /** Per status, under the same filters (the status filter aside). */
  counts: z.record(statusSchema, z.number().int()),
  nextCursor: z.string().nullable(),
});
export type DisputePage = z.infer<typeof disputePageSchema>;

export const disputeEntrySchema = z.object({
  id: z.string(),
  author: z.string(),
  body: z.string(),
  kind: z.enum(["comment", "status_change", "incident_link"]),
  statusFrom: statusSchema.nullable(),
  statusTo: statusSchema.nullable(),
  incidentId: z.string().nullable(),
  createdAt: z.string(),
});
export type DisputeEntry = z.infer<typeof disputeEntrySchema>;

export const disputeDetailSchema = disputeSummarySchema.extend({
  /** The inferences that produced the output, with their model and version. */
  inferences: z.array(
    z.object({ id: z.string(), model: z.string(), version: z.string().nullable() }),
  ),
  incident: z
    .object({
      id: z.string(),
      model: z.string(),
      badVersion: z.string(),
      status: z.enum(["proposed", "confirmed"]),
      createdAt: z.string(),
    })
    .nullable(),
  thread: z.array(disputeEntrySchema),
  /** The moves an operator may make from the current status. */
  allowedMoves: z.array(statusSchema),
});
export type DisputeDetail = z.infer<typeof disputeDetailSchema>;
