import { z } from "zod";

/**
 * The evidence bundle: one JSON file that lets anyone re-check an output, a dispute or an
 * incident without trusting us. It carries the signed records themselves (never our
 * verdicts about them); `verifyBundle` (verify-bundle.ts) recomputes every claim from them.
 * The same schema validates bundles in the verifier and is published as JSON Schema at
 * /api/v1/schemas/evidence-bundle.json.
 *
 * Conventions: hashes and addresses are 0x-lowercase hex; integers that may exceed 2^53
 * (block numbers, token amounts, unix seconds) are decimal strings; times are ISO 8601 UTC.
 */
export const BUNDLE_FORMAT = "provenance.evidence-bundle";
export const BUNDLE_VERSION = 1;
/** Where the JSON Schema is published, relative to the app's origin. */
export const SCHEMA_PATH = "/api/v1/schemas/evidence-bundle.json";

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x + 64 lowercase hex digits");
const address = z.string().regex(/^0x[0-9a-f]{40}$/, "must be 0x + 40 lowercase hex digits");
const hexBytes = z.string().regex(/^0x([0-9a-f]{2})*$/, "must be 0x-prefixed lowercase hex bytes");
const uint = z.string().regex(/^\d{1,78}$/, "must be a non-negative integer as a decimal string");
const isoTime = z.iso.datetime({ offset: true });

/** Where a record was read on chain: enough to find the log again. */
const logRef = z.object({
  chainId: z.number().int().positive(),
  /** The contract that emitted the log. */
  address,
  blockNumber: uint,
  blockHash: hex32,
  txHash: hex32,
  logIndex: z.number().int().nonnegative(),
  /** Set when a reorg orphaned the block we read it in: the record no longer stands. */
  orphanedAt: isoTime.nullable(),
});

/** The fields an enclave signed: RSA-PSS over keccak256(requestHash ‖ outputHash ‖ uint256 timestamp). */
const signedResponse = z.object({
  teeId: hex32,
  requestHash: hex32,
  outputHash: hex32,
  /** Unix seconds, as signed. */
  timestamp: uint,
  /** Standard base64, as the gateway sends `tee_signature`. */
  signature: z.string().min(1),
  /** Where these fields come from: the posted receipt, or the settlement log / batch leaf. */
  from: z.enum(["receipt", "settlement", "batch_leaf"]),
  /** The model string the request named (covered by requestHash when the payload is here). */
  model: z.string().nullable(),
});

const enclave = z.object({
  teeId: hex32,
  /** DER SubjectPublicKeyInfo of the enclave's RSA key, as getTEE(teeId) returned it. */
  publicKey: hexBytes,
  pcrHash: hex32,
  /** The TEERegistered log, and the registry's getTEE layout (1: og-evm, 2: with ohttpConfig). */
  registration: logRef.extend({ abiVersion: z.number().int().positive() }),
  /** The block at which getTEE(teeId) was read. */
  keyReadAtBlock: uint,
});

const settlement = logRef.extend({
  kind: z.enum([
    "individual",
    "batch",
    "legacy_settlement",
    "legacy_batch",
    "legacy_with_metadata",
  ]),
  teeId: hex32.nullable(),
  /** IndividualSettlement's ethAddress (usually the payer; see FACTS). */
  ethAddress: address.nullable(),
  inputHash: hex32.nullable(),
  outputHash: hex32.nullable(),
  timestamp: uint.nullable(),
  signature: hexBytes.nullable(),
  blobId: z.string().nullable(),
  merkleRoot: hex32.nullable(),
  batchSize: z.number().int().nullable(),
});

/** A batch leaf: the StandardMerkleTree value and its inclusion proof under the settled root. */
const batchLeaf = z.object({
  leafIndex: z.number().int().nonnegative(),
  /** [teeId, inputHash, outputHash, signature bytes, timestamp] (bytes32,bytes32,bytes32,bytes,uint256). */
  value: z.tuple([hex32, hex32, hex32, hexBytes, uint]),
  leafHash: hex32,
  proof: z.array(hex32),
});

const payment = logRef.extend({
  /** The token contract (the Transfer log's emitter, `address`). */
  token: address,
  from: address,
  to: address,
  /** The whole transfer, in the token's smallest unit. */
  value: uint,
  /** The part of it allocated to this output, and how the allocation was made. */
  allocated: uint,
  method: z.string(),
});

export const bundleOutputSchema = z.object({
  outputHash: hex32,
  inputHash: hex32,
  inferenceId: z.string(),
  url: z.string(),
  model: z.string(),
  version: z.object({ label: z.string(), key: z.string() }).nullable(),
  occurredAt: isoTime,
  /** The payer named by the receipt (x402), when known. */
  payer: address.nullable(),
  orphaned: z.object({ at: isoTime, chainId: z.number().int(), blockNumber: uint }).nullable(),
  signed: signedResponse.nullable(),
  /**
   * The request and reply, when the integrator shared them. `request` is the JSON text of
   * the request as received (text, so that 1.0 stays a float: the request hash depends on it).
   */
  payload: z.object({ request: z.string().nullable(), reply: z.string().nullable() }).nullable(),
  enclave: enclave.nullable(),
  settlement: settlement.nullable(),
  batchLeaf: batchLeaf.nullable(),
  payments: z.array(payment),
});

/** An agent's EIP-712 statement (domain {name "Provenance", version "1", chainId}). */
export const bundleAgentActionSchema = z.object({
  id: z.string(),
  /** The statement's EIP-712 digest: how later actions cite it. */
  digest: hex32,
  chainId: z.number().int().positive(),
  message: z.object({
    agent: address,
    kind: z.string(),
    summary: z.string(),
    citedOutputs: z.array(hex32),
    citedActions: z.array(hex32),
    txHash: hex32,
    occurredAt: uint,
  }),
  signature: hexBytes,
});

export const bundleIncidentSchema = z.object({
  id: z.string(),
  url: z.string(),
  status: z.string(),
  /** The EIP-712 typed data the operator signed: domain, types, primaryType, message. */
  statement: z.object({
    domain: z.record(z.string(), z.unknown()),
    types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
    primaryType: z.string(),
    message: z.record(z.string(), z.unknown()),
  }),
  digest: hex32,
  signature: hexBytes,
  operator: address,
  /** What the incident's latest blast radius counted (as stored; recompute it on the page). */
  blastRadius: z
    .object({ computedAt: isoTime, counts: z.record(z.string(), z.number()) })
    .nullable(),
});

export const bundleDisputeSchema = z.object({
  id: z.string(),
  url: z.string(),
  outputHash: hex32,
  status: z.string(),
  openedBy: address,
  reason: z.string(),
  incidentId: z.string().nullable(),
  createdAt: isoTime,
  /** The thread in order: comments, status changes (with their notes) and incident links. */
  entries: z.array(
    z.object({
      at: isoTime,
      author: address,
      kind: z.string(),
      body: z.string(),
      statusFrom: z.string().nullable(),
      statusTo: z.string().nullable(),
      /** For an incident link: the incident linked (null when it unlinks). */
      incidentId: z.string().nullable(),
    }),
  ),
});

/** One link of the audit hash chain, without its payload. */
const auditLink = z.object({
  seq: uint,
  occurredAt: isoTime,
  actor: z.string(),
  action: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  payloadHash: hex32,
  prevHash: hex32,
  hash: hex32,
});

export const bundleAuditSchema = z.object({
  /** The events about this bundle's subjects, with their payloads. */
  events: z.array(auditLink.extend({ payload: z.record(z.string(), z.unknown()) })),
  /**
   * Every link from the first of `events` up to the checkpoint, payloads left out: enough to
   * recompute each hash and see the events sit in one unbroken chain under the checkpoint.
   */
  chain: z.array(auditLink),
  /** The newest signed checkpoint (EIP-191 over its message), covering every event above. */
  checkpoint: z
    .object({
      uptoSeq: uint,
      count: uint,
      headHash: hex32,
      signer: address,
      signature: hexBytes,
    })
    .nullable(),
});

export const evidenceBundleSchema = z
  .object({
    $schema: z.string().optional(),
    format: z.literal(BUNDLE_FORMAT),
    version: z.literal(BUNDLE_VERSION),
    createdAt: isoTime,
    /** The deployment that exported it. */
    origin: z.string(),
    subject: z.object({
      type: z.enum(["output", "dispute", "incident"]),
      id: z.string(),
      url: z.string(),
    }),
    outputs: z.array(bundleOutputSchema),
    /** Set when an incident's affected outputs were more than the bundle holds. */
    outputsOmitted: z.number().int().nonnegative(),
    agentActions: z.array(bundleAgentActionSchema),
    incidents: z.array(bundleIncidentSchema),
    disputes: z.array(bundleDisputeSchema),
    audit: bundleAuditSchema,
  })
  .meta({
    title: "Provenance evidence bundle",
    description:
      "Everything needed to re-check an output, a dispute or an incident offline: signed responses, enclave keys with where they were read, settlement logs and Merkle proofs, payments, agent statements, incident statements, and audit-log entries under a signed checkpoint. Check it with `npx provenance-verify bundle.json`.",
  });

export type EvidenceBundle = z.infer<typeof evidenceBundleSchema>;
export type BundleOutput = z.infer<typeof bundleOutputSchema>;
export type BundleAgentAction = z.infer<typeof bundleAgentActionSchema>;
export type BundleIncident = z.infer<typeof bundleIncidentSchema>;
export type BundleDispute = z.infer<typeof bundleDisputeSchema>;

/** The bundle's JSON Schema (draft 2020-12), as published. */
export function evidenceBundleJsonSchema(id?: string) {
  return {
    ...(id ? { $id: id } : {}),
    ...z.toJSONSchema(evidenceBundleSchema, { target: "draft-2020-12" }),
  };
}
