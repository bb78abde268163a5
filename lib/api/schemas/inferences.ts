import { z } from "zod";
import { cursorSchema, instantSchema, limitSchema } from "./query";
import { inferenceFilterShape } from "./timeline";

export const MAX_PAGE = 200;

export const inferenceListQuerySchema = z
  .object({
    model: z.string().max(300).optional().meta({ description: "A model name" }),
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    ...inferenceFilterShape,
    cursor: cursorSchema.optional().meta({ description: "nextCursor of the previous page" }),
    limit: limitSchema(50, MAX_PAGE),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, {
    path: ["to"],
    message: "must be after from",
  });
export type InferenceListQuery = z.output<typeof inferenceListQuerySchema>;

/** One inference in a list, newest first. */
export const inferenceRowSchema = z.object({
  id: z.string(),
  model: z.string(),
  version: z.string().nullable(),
  occurredAt: z.string(),
  teeId: z.string().nullable(),
  inputHash: z.string(),
  outputHash: z.string(),
  signatureStatus: z.string(),
  settled: z.boolean(),
  orphaned: z.boolean(),
  /** OPG base units allocated to it, or null when no payment is linked. */
  paid: z.string().nullable(),
  openFindings: z.number().int(),
});
export type InferenceRow = z.infer<typeof inferenceRowSchema>;

export const inferencePageSchema = z.object({
  items: z.array(inferenceRowSchema),
  nextCursor: z.string().nullable(),
});
export type InferencePage = z.infer<typeof inferencePageSchema>;

const chainRefSchema = z.object({
  chainId: z.number().int(),
  blockNumber: z.string(),
  blockHash: z.string(),
  txHash: z.string(),
  logIndex: z.number().int(),
  orphanedAt: z.string().nullable(),
});

/** A downstream agent action: depth 1 cites the output, depth n cites an action of depth n-1. */
export const downstreamNodeSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  depth: z.number().int(),
  agent: z.string(),
  chainId: z.number().int(),
  kind: z.string(),
  summary: z.string(),
  txHash: z.string().nullable(),
  occurredAt: z.string(),
  /** Whether the agent is in the agent registry (known) or not (unknown: shown apart). */
  agentTrust: z.enum(["known", "unknown"]),
  /** The registry's label for a known agent. */
  agentLabel: z.string().nullable(),
});
export type DownstreamNode = z.infer<typeof downstreamNodeSchema>;

/** Everything known about one inference: the provenance card. */
export const inferenceDetailSchema = z.object({
  id: z.string(),
  model: z.object({ name: z.string(), kind: z.string() }),
  version: z.object({ id: z.string(), label: z.string(), key: z.string() }).nullable(),
  /** Was its version live when it ran (by the current deployment records)? Null: unknown. */
  liveAtTime: z.boolean().nullable(),
  deployment: z
    .object({ from: z.string(), to: z.string().nullable(), basis: z.string() })
    .nullable(),
  occurredAt: z.string(),
  recordedAt: z.string(),
  enclave: z
    .object({
      teeId: z.string(),
      chainId: z.number().int().nullable(),
      endpoint: z.string().nullable(),
      pcrHash: z.string().nullable(),
      enabled: z.boolean().nullable(),
    })
    .nullable(),
  inputHash: z.string(),
  outputHash: z.string(),
  signature: z.string().nullable(),
  signatureStatus: z.string(),
  verificationReason: z.string().nullable(),
  receiptId: z.string().nullable(),
  sessionId: z.string().nullable(),
  payer: z.string().nullable(),
  settlement: chainRefSchema
    .extend({
      id: z.string(),
      kind: z.string(),
      batch: z
        .object({
          leafIndex: z.number().int(),
          merkleRoot: z.string().nullable(),
          proofValid: z.boolean(),
          proof: z.array(z.string()),
        })
        .nullable(),
    })
    .nullable(),
  /** Settlements of the same hashes that a reorg orphaned: the evidence that went away. */
  orphanedSettlements: z.array(chainRefSchema),
  orphaned: z
    .object({ at: z.string(), chainId: z.number().int(), blockNumber: z.string() })
    .nullable(),
  payments: z.array(
    chainRefSchema.extend({
      id: z.string(),
      from: z.string(),
      to: z.string(),
      value: z.string(),
      allocated: z.string(),
      /**
       * How the payment was split across its session: "per_request_amount" (the gateway's
       * per-request amounts), "per_request_amount_scaled" (those amounts scaled to the
       * payment's value), or "session_equal_split" (the fallback: some request had none).
       */
      method: z.string(),
      /** The payment's allocation revision that set this share (1: as first linked). */
      revision: z.number().int(),
      /** When that revision was recorded, if it revised an earlier one (a receipt joined late). */
      revisedAt: z.string().nullable(),
      /** This request's amount as the gateway reported it, OPG base units, if it did. */
      requestAmount: z.string().nullable(),
    }),
  ),
  findings: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      severity: z.string(),
      message: z.string(),
      detectedAt: z.string(),
      resolvedAt: z.string().nullable(),
    }),
  ),
  downstream: z.object({
    nodes: z.array(downstreamNodeSchema),
    /** More actions exist beyond the node or depth cap. */
    truncated: z.boolean(),
  }),
});
export type InferenceDetail = z.infer<typeof inferenceDetailSchema>;

export const outputSchema = z.object({
  outputHash: z.string(),
  inferences: z.array(inferenceDetailSchema),
});
export type OutputProvenance = z.infer<typeof outputSchema>;
