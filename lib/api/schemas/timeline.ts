import { z } from "zod";
import { addressSchema, hash32Schema } from "./common";
import { versionSchema } from "./models";
import { instantSchema } from "./query";

/** Bucket sizes the timeline offers, in seconds. Hour multiples read the hourly roll-up. */
export const BUCKET_SECONDS = { "5m": 300, "15m": 900, "1h": 3600, "6h": 21_600, "1d": 86_400 };
export type BucketName = keyof typeof BUCKET_SECONDS;
export const MAX_BUCKETS = 2000;

export const SIGNATURE_STATUSES = ["valid", "invalid", "no_key", "unverified"] as const;

/** Filters shared by the timeline and the inference list (all kept in the page URL). */
export const inferenceFilterShape = {
  version: z.string().max(200).optional().meta({ description: "A version label or key" }),
  enclave: hash32Schema.optional().meta({ description: "An enclave's teeId" }),
  status: z.enum(SIGNATURE_STATUSES).optional().meta({ description: "Signature verification" }),
  payer: addressSchema.optional(),
  agent: addressSchema.optional().meta({ description: "Only outputs this agent acted on" }),
};

export const timelineQuerySchema = z
  .object({
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    bucket: z.enum(Object.keys(BUCKET_SECONDS) as [BucketName, ...BucketName[]]).optional(),
    asOf: instantSchema.optional().meta({
      description:
        "Show what the evidence said at this time: inferences by then, versions and revocations with block time by then, incidents signed by then",
    }),
    ...inferenceFilterShape,
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ["to"], message: "must be after from" })
  .refine(
    (q) =>
      !q.from ||
      !q.to ||
      !q.bucket ||
      (q.to.getTime() - q.from.getTime()) / 1000 / BUCKET_SECONDS[q.bucket] <= MAX_BUCKETS,
    { path: ["bucket"], message: `makes more than ${MAX_BUCKETS} buckets; pick a larger one` },
  );
export type TimelineQuery = z.output<typeof timelineQuerySchema>;

/** A version's deployment interval as the evidence said at `asOf`. */
export const laneSchema = z.object({
  versionId: z.string(),
  label: z.string(),
  from: z.string(),
  /** Null: still live at asOf (or now). */
  to: z.string().nullable(),
  basis: z.string(),
});

export const rollbackWindowSchema = z.object({
  versionId: z.string(),
  label: z.string(),
  from: z.string(),
  to: z.string().nullable(),
  /** "revocation" (on chain) or "incident" (signed by an operator). */
  source: z.string(),
  incidentId: z.string().nullable(),
});

export const timelineBucketSchema = z.object({
  start: z.string(),
  /** Requests per version id ("none" for inferences whose version is unknown). */
  requests: z.record(z.string(), z.number().int()),
  /** OPG base units allocated to this bucket's inferences, as a decimal string. */
  paid: z.string(),
});

export const timelineFindingSchema = z.object({
  id: z.string(),
  kind: z.string(),
  severity: z.string(),
  message: z.string(),
  at: z.string(),
  inferenceId: z.string().nullable(),
});

export const timelineSchema = z.object({
  model: z.object({ name: z.string(), kind: z.string() }),
  from: z.string(),
  to: z.string(),
  bucket: z.string(),
  bucketSeconds: z.number().int(),
  asOf: z.string().nullable(),
  /** The earliest and latest inference of the model, for zooming out. */
  extent: z.object({ from: z.string(), to: z.string() }).nullable(),
  versions: z.array(versionSchema),
  lanes: z.array(laneSchema),
  rollbackWindows: z.array(rollbackWindowSchema),
  buckets: z.array(timelineBucketSchema),
  findings: z.array(timelineFindingSchema),
  totals: z.object({ requests: z.number().int(), paid: z.string() }),
});
export type Timeline = z.infer<typeof timelineSchema>;
