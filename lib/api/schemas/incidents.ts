import { z } from "zod";
import { hexBytesSchema, hash32Schema, textSchema } from "@/lib/api/schemas/common";
import { instantSchema } from "@/lib/api/schemas/query";
import { INCIDENT_ACTIONS, INCIDENT_DOMAIN_NAME } from "@/lib/evidence/incident-statement";
import { isInternalHref } from "@/lib/web/links";

/** Incident bodies carry a statement and a few links; anything larger is refused. */
export const MAX_INCIDENT_BODY_BYTES = 32 * 1024;
export const MAX_REASON_CHARS = 2000;
export const MAX_EVIDENCE_LINKS = 20;

const uint64String = z
  .string()
  .regex(/^(0|[1-9]\d{0,19})$/, "must be a whole number as a decimal string")
  .refine((v) => !/^\d+$/.test(v) || BigInt(v) < 2n ** 64n, "must fit in 64 bits");

/** A link to evidence: an http(s) URL, or a path inside this app ("/o/0x…"). */
export const evidenceLinkSchema = textSchema(500).refine((v) => {
  if (isInternalHref(v)) return true;
  if (v.startsWith("/")) return false;
  try {
    return ["http:", "https:"].includes(new URL(v).protocol);
  } catch {
    return false;
  }
}, "must be an http(s) URL or a path in this app starting with /");

const reasonSchema = textSchema(MAX_REASON_CHARS).refine(
  (v) => v.trim().length >= 3,
  "must say why (at least 3 characters)",
);

const versionKeySchema = textSchema(200).regex(
  /^(pcr:0x[0-9a-f]{64}|cid:[A-Za-z0-9]+)$/,
  'must be a version key ("pcr:0x…" or "cid:…")',
);

/** The incident window, as times or as blocks on one chain. */
export const incidentWindowSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("time"),
    from: instantSchema,
    /** Absent while the bad version is still live. */
    to: instantSchema.optional(),
  }),
  z.strictObject({
    kind: z.literal("block"),
    chainId: z.number().int().positive().max(2_147_483_647),
    fromBlock: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    toBlock: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  }),
]);

/** What the operator fills in; the server turns it into the statement to sign. */
export const incidentDraftSchema = z.strictObject({
  action: z.enum(INCIDENT_ACTIONS),
  model: textSchema(300).min(1, "is required"),
  badVersion: versionKeySchema,
  rolledBackTo: versionKeySchema.optional(),
  window: incidentWindowSchema,
  reason: reasonSchema,
  evidenceLinks: z.array(evidenceLinkSchema).max(MAX_EVIDENCE_LINKS).default([]),
  supersedes: z.uuid("must be an incident id").optional(),
  /** The chain the wallet is on: the EIP-712 domain's chainId. */
  chainId: z.number().int().positive().max(2_147_483_647),
});
export type IncidentDraft = z.infer<typeof incidentDraftSchema>;

export const incidentMessageSchema = z.strictObject({
  action: z.enum(INCIDENT_ACTIONS),
  model: textSchema(300).min(1),
  badVersion: versionKeySchema,
  badVersionLabel: textSchema(200),
  rolledBackTo: z.union([z.literal(""), versionKeySchema]),
  windowFrom: uint64String,
  windowTo: uint64String,
  windowChainId: uint64String,
  windowFromBlock: uint64String,
  windowToBlock: uint64String,
  reason: reasonSchema,
  evidenceLinks: z.array(evidenceLinkSchema).max(MAX_EVIDENCE_LINKS),
  supersedes: z.union([z.literal(""), z.uuid("must be an incident id")]),
  origin: textSchema(300),
  nonce: hash32Schema,
  issuedAt: uint64String,
});

export const incidentStatementSchema = z.strictObject({
  domain: z.strictObject({
    name: z.literal(INCIDENT_DOMAIN_NAME),
    version: z.literal("1"),
    chainId: z.number().int().positive().max(2_147_483_647),
  }),
  message: incidentMessageSchema,
});

/** POST /api/v1/incidents: the statement as prepared, and the wallet's signature of it. */
export const signedIncidentBodySchema = z.strictObject({
  statement: incidentStatementSchema,
  signature: hexBytesSchema,
});
