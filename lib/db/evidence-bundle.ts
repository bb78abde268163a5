import "server-only";
import type pg from "pg";
import { checkpointIfDue } from "@/lib/audit/append";
import type { EventRow } from "@/lib/audit/verify";
import { notFound } from "@/lib/api/errors";
import { getAuditSigner } from "@/lib/db/audit";
import { getPool } from "@/lib/db/client";
import { DOWNSTREAM_MAX_DEPTH } from "@/lib/db/downstream";
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  type BundleAgentAction,
  type BundleDispute,
  type BundleIncident,
  type BundleOutput,
  type EvidenceBundle,
  SCHEMA_PATH,
} from "@/lib/evidence/bundle";

/** How many of an incident's affected outputs an incident bundle carries in full. */
export const INCIDENT_BUNDLE_OUTPUTS = 25;
/** How many downstream agent statements a bundle carries at most. */
const MAX_ACTIONS = 500;

type Subject = EvidenceBundle["subject"];

/**
 * The evidence bundle of an output: every inference that produced it with its signed
 * response, enclave key, settlement (and batch proof), payments, the agent statements that
 * depended on it, the signed incidents whose window covers it, its disputes, and the audit
 * entries about those under a signed checkpoint. 404 when no inference produced it.
 */
export async function buildOutputBundle(
  outputHash: string,
  origin: string,
): Promise<EvidenceBundle> {
  const pool = getPool();
  const outputs = await loadOutputs(pool, "i.output_hash = $1", [outputHash], origin);
  if (outputs.length === 0) {
    throw notFound(
      `No indexed inference produced output ${outputHash}, so there is no evidence to bundle.`,
    );
  }
  const [incidentIds, disputeIds] = await Promise.all([
    incidentsCovering(pool, outputHash),
    idsOf(pool, "SELECT id::text FROM dispute WHERE output_hash = $1 ORDER BY created_at", [
      outputHash,
    ]),
  ]);
  return assemble(
    pool,
    origin,
    { type: "output", id: outputHash, url: `${origin}/o/${outputHash}` },
    {
      outputs,
      incidentIds,
      disputeIds,
    },
  );
}

/** The bundle of an incident: its signed statement, its blast radius, and the first affected outputs in full. */
export async function buildIncidentBundle(id: string, origin: string): Promise<EvidenceBundle> {
  const pool = getPool();
  const found = await pool.query<{ affected: string | null }>(
    `SELECT (SELECT b.result ->> 'affected' FROM blast_radius b WHERE b.incident_id = i.id
              ORDER BY b.computed_at DESC LIMIT 1) AS affected
       FROM incident i WHERE i.id = $1 AND i.signature IS NOT NULL`,
    [id],
  );
  if (!found.rows[0]) {
    throw notFound(
      `There is no signed incident ${id}; a proposal has no statement to bundle until an operator signs it.`,
    );
  }
  const affected = (found.rows[0].affected ?? "").split(",").filter(Boolean);
  const outputs = await loadOutputs(
    pool,
    "i.id = ANY($1::text[])",
    [affected.slice(0, INCIDENT_BUNDLE_OUTPUTS)],
    origin,
  );
  const disputeIds = await idsOf(
    pool,
    "SELECT id::text FROM dispute WHERE incident_id = $1 ORDER BY created_at",
    [id],
  );
  return assemble(
    pool,
    origin,
    { type: "incident", id, url: `${origin}/incidents/${id}` },
    {
      outputs,
      outputsOmitted: Math.max(0, affected.length - INCIDENT_BUNDLE_OUTPUTS),
      incidentIds: [id],
      disputeIds,
    },
  );
}

/** The bundle of a dispute: the thread, its output's evidence, and the linked incident. */
export async function buildDisputeBundle(id: string, origin: string): Promise<EvidenceBundle> {
  const pool = getPool();
  const { rows } = await pool.query<{ output_hash: string; incident_id: string | null }>(
    "SELECT output_hash, incident_id::text FROM dispute WHERE id = $1",
    [id],
  );
  const dispute = rows[0];
  if (!dispute) throw notFound(`There is no dispute ${id}.`);
  const outputs = await loadOutputs(pool, "i.output_hash = $1", [dispute.output_hash], origin);
  const covering = await incidentsCovering(pool, dispute.output_hash);
  const incidentIds = [
    ...new Set([...(dispute.incident_id ? [dispute.incident_id] : []), ...covering]),
  ];
  return assemble(
    pool,
    origin,
    { type: "dispute", id, url: `${origin}/disputes/${id}` },
    {
      outputs,
      incidentIds,
      disputeIds: [id],
    },
  );
}

async function assemble(
  pool: pg.Pool,
  origin: string,
  subject: Subject,
  parts: {
    outputs: BundleOutput[];
    outputsOmitted?: number;
    incidentIds: string[];
    disputeIds: string[];
  },
): Promise<EvidenceBundle> {
  // Independent reads, one pooled connection each.
  const [incidents, disputes, agentActions] = await Promise.all([
    loadIncidents(pool, parts.incidentIds, origin),
    loadDisputes(pool, parts.disputeIds, origin),
    loadAgentActions(pool, [...new Set(parts.outputs.map((o) => o.outputHash))]),
  ]);
  const audit = await loadAudit(pool, [
    ...incidents.map((i) => ({ type: "incident", id: i.id })),
    ...disputes.map((d) => ({ type: "dispute", id: d.id })),
  ]);
  return {
    $schema: `${origin}${SCHEMA_PATH}`,
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: new Date().toISOString(),
    origin,
    subject,
    outputs: parts.outputs,
    outputsOmitted: parts.outputsOmitted ?? 0,
    agentActions,
    incidents,
    disputes,
    audit,
  };
}

async function idsOf(pool: pg.Pool, sql: string, params: unknown[]): Promise<string[]> {
  return (await pool.query<{ id: string }>(sql, params)).rows.map((r) => r.id);
}

/** Signed incidents, not superseded, whose bad version produced this output inside their window. */
function incidentsCovering(pool: pg.Pool, outputHash: string) {
  return idsOf(
    pool,
    `SELECT DISTINCT inc.id::text AS id FROM inference i
       JOIN incident inc ON inc.bad_version_id = i.model_version_id AND inc.signature IS NOT NULL
        AND i.occurred_at >= inc.window_from AND (inc.window_to IS NULL OR i.occurred_at < inc.window_to)
      WHERE i.output_hash = $1
        AND NOT EXISTS (SELECT 1 FROM incident later WHERE later.supersedes_id = inc.id AND later.signature IS NOT NULL)`,
    [outputHash],
  );
}

const isoOrNull = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const base64 = (hex: string) => Buffer.from(hex.replace(/^0x/, ""), "hex").toString("base64");

interface OutputRow {
  id: string;
  output_hash: string;
  input_hash: string;
  occurred_at: Date;
  payer: string | null;
  tee_id: string | null;
  orphaned_at: Date | null;
  model: string;
  version_label: string | null;
  version_key: string | null;
  h_chain_id: number | null;
  h_block: string | null;
  r_tee_id: string | null;
  r_request_hash: string | null;
  r_output_hash: string | null;
  r_timestamp: string | null;
  r_signature: string | null;
  r_model: string | null;
  r_request: string | null;
  r_reply: string | null;
  settlement:
    | (Omit<NonNullable<BundleOutput["settlement"]>, "orphanedAt"> & { orphanedAt: string | null })
    | null;
  leaf: LeafJson | null;
  enclave: EnclaveJson | null;
  payments: BundleOutput["payments"];
}

interface LeafJson {
  leafIndex: number;
  teeId: string;
  inputHash: string;
  outputHash: string;
  signature: string;
  timestamp: string;
  leafHash: string;
  proof: string[];
}

interface EnclaveJson {
  teeId: string;
  publicKey: string;
  pcrHash: string;
  chainId: number;
  address: string;
  blockNumber: string;
  blockHash: string;
  txHash: string;
  logIndex: number;
  orphanedAt: string | null;
  abiVersion: number;
  keyReadAtBlock: string;
}

async function loadOutputs(
  pool: pg.Pool,
  where: string,
  params: unknown[],
  origin: string,
): Promise<BundleOutput[]> {
  const { rows } = await pool.query<OutputRow>(
    `SELECT i.id, i.output_hash, i.input_hash, i.occurred_at, i.payer, i.tee_id, i.orphaned_at, m.name AS model,
            mv.label AS version_label, mv.key AS version_key, h.chain_id AS h_chain_id, h.block_number::text AS h_block,
            r.tee_id AS r_tee_id, r.request_hash AS r_request_hash, r.output_hash AS r_output_hash,
            r.tee_timestamp::text AS r_timestamp, r.signature AS r_signature, r.model AS r_model,
            r.request_payload::text AS r_request, r.reply_text AS r_reply,
            (SELECT json_build_object('kind', s.kind, 'chainId', s.chain_id, 'address', src.address,
                      'blockNumber', s.block_number::text, 'blockHash', s.block_hash, 'txHash', s.tx_hash,
                      'logIndex', s.log_index, 'orphanedAt', s.orphaned_at, 'teeId', s.tee_id, 'ethAddress', s.eth_address,
                      'inputHash', s.input_hash, 'outputHash', s.output_hash,
                      'timestamp', CASE WHEN s.timestamp IS NULL THEN NULL ELSE (extract(epoch FROM s.timestamp)::bigint)::text END,
                      'signature', s.signature, 'blobId', s.blob_id, 'merkleRoot', s.merkle_root, 'batchSize', s.batch_size)
               FROM settlement s JOIN source src ON src.id = s.source_id
              WHERE s.id = COALESCE(i.settlement_id, l.settlement_id)) AS settlement,
            CASE WHEN l.id IS NULL THEN NULL ELSE json_build_object('leafIndex', l.leaf_index, 'teeId', l.tee_id,
                      'inputHash', l.input_hash, 'outputHash', l.output_hash, 'signature', l.signature,
                      'timestamp', (extract(epoch FROM l.timestamp)::bigint)::text, 'leafHash', l.leaf_hash, 'proof', l.proof) END AS leaf,
            (SELECT json_build_object('teeId', e.tee_id, 'publicKey', e.public_key, 'pcrHash', e.pcr_hash,
                      'chainId', e.chain_id, 'address', e.registry_address, 'blockNumber', e.block_number::text,
                      'blockHash', e.block_hash, 'txHash', e.tx_hash, 'logIndex', e.log_index, 'orphanedAt', e.orphaned_at,
                      'abiVersion', src.abi_version, 'keyReadAtBlock', e.key_read_at_block::text)
               FROM enclave e JOIN source src ON src.id = e.source_id
              WHERE e.tee_id = COALESCE(r.tee_id, i.tee_id)
              ORDER BY e.orphaned_at DESC NULLS FIRST, e.block_number LIMIT 1) AS enclave,
            COALESCE((SELECT json_agg(json_build_object('chainId', p.chain_id, 'address', p.token, 'blockNumber', p.block_number::text,
                      'blockHash', p.block_hash, 'txHash', p.tx_hash, 'logIndex', p.log_index, 'orphanedAt', p.orphaned_at,
                      'token', p.token, 'from', p.from_address, 'to', p.to_address, 'value', p.value::text,
                      'allocated', a.amount::text, 'method', a.method) ORDER BY p.block_number, p.log_index)
               FROM payment_allocation a JOIN payment p ON p.id = a.payment_id WHERE a.inference_id = i.id), '[]') AS payments
       FROM inference i
       JOIN model m ON m.id = i.model_id
       LEFT JOIN model_version mv ON mv.id = i.model_version_id
       LEFT JOIN receipt r ON r.id = i.receipt_id
       LEFT JOIN batch_leaf l ON l.id = i.batch_leaf_id
       LEFT JOIN hub_event h ON h.id = i.hub_event_id
      WHERE ${where}
      ORDER BY i.occurred_at, i.id LIMIT 50`,
    params,
  );
  return rows.map((r) => toBundleOutput(r, origin));
}

function toBundleOutput(r: OutputRow, origin: string): BundleOutput {
  const { settlement: s, leaf: l, enclave: e } = r;
  const signed: BundleOutput["signed"] = r.r_signature
    ? {
        teeId: r.r_tee_id!,
        requestHash: r.r_request_hash!,
        outputHash: r.r_output_hash!,
        timestamp: r.r_timestamp!,
        signature: r.r_signature,
        from: "receipt",
        model: r.r_model,
      }
    : l
      ? {
          teeId: l.teeId,
          requestHash: l.inputHash,
          outputHash: l.outputHash,
          timestamp: l.timestamp,
          signature: base64(l.signature),
          from: "batch_leaf",
          model: null,
        }
      : s?.signature && s.teeId && s.inputHash && s.outputHash && s.timestamp
        ? {
            teeId: s.teeId,
            requestHash: s.inputHash,
            outputHash: s.outputHash,
            timestamp: s.timestamp,
            signature: base64(s.signature),
            from: "settlement",
            model: null,
          }
        : null;
  return {
    outputHash: r.output_hash,
    inputHash: r.input_hash,
    inferenceId: r.id,
    url: `${origin}/inferences/${encodeURIComponent(r.id)}`,
    model: r.model,
    version:
      r.version_label && r.version_key ? { label: r.version_label, key: r.version_key } : null,
    occurredAt: r.occurred_at.toISOString(),
    payer: r.payer,
    orphaned:
      r.orphaned_at && r.h_block !== null
        ? { at: r.orphaned_at.toISOString(), chainId: r.h_chain_id!, blockNumber: r.h_block }
        : null,
    signed,
    payload:
      r.r_request !== null || r.r_reply !== null
        ? { request: r.r_request, reply: r.r_reply }
        : null,
    enclave: e
      ? {
          teeId: e.teeId,
          publicKey: e.publicKey,
          pcrHash: e.pcrHash,
          registration: {
            chainId: e.chainId,
            address: e.address,
            blockNumber: e.blockNumber,
            blockHash: e.blockHash,
            txHash: e.txHash,
            logIndex: e.logIndex,
            orphanedAt: isoOrNull(e.orphanedAt),
            abiVersion: e.abiVersion,
          },
          keyReadAtBlock: e.keyReadAtBlock,
        }
      : null,
    settlement: s ? { ...s, orphanedAt: isoOrNull(s.orphanedAt) } : null,
    batchLeaf: l
      ? {
          leafIndex: l.leafIndex,
          value: [l.teeId, l.inputHash, l.outputHash, l.signature, l.timestamp],
          leafHash: l.leafHash,
          proof: l.proof,
        }
      : null,
    payments: r.payments.map((p) => ({ ...p, orphanedAt: isoOrNull(p.orphanedAt) })),
  };
}

/** Every agent statement downstream of these outputs (any depth), oldest first. */
async function loadAgentActions(
  pool: pg.Pool,
  outputHashes: string[],
): Promise<BundleAgentAction[]> {
  if (outputHashes.length === 0) return [];
  const { rows } = await pool.query<{
    id: string;
    chain_id: number;
    statement: { message: BundleAgentAction["message"] };
    signature: string;
    content_key: string;
  }>(
    `WITH RECURSIVE walk(id, depth) AS (
       SELECT c.action_id, 1 FROM agent_action_citation c WHERE c.output_hash = ANY($1::text[])
       UNION
       SELECT c.action_id, w.depth + 1 FROM walk w JOIN agent_action_citation c ON c.cited_action_id = w.id
        WHERE w.depth < ${DOWNSTREAM_MAX_DEPTH})
     SELECT a.id::text, a.chain_id, a.statement, a.signature, a.content_key
       FROM agent_action a WHERE a.id IN (SELECT id FROM walk)
      ORDER BY a.occurred_at, a.id LIMIT ${MAX_ACTIONS}`,
    [outputHashes],
  );
  return rows.map((r) => {
    const m = r.statement.message;
    return {
      id: r.id,
      digest: r.content_key,
      chainId: r.chain_id,
      message: {
        agent: m.agent.toLowerCase(),
        kind: m.kind,
        summary: m.summary,
        citedOutputs: m.citedOutputs.map((h) => h.toLowerCase()),
        citedActions: m.citedActions.map((h) => h.toLowerCase()),
        txHash: m.txHash.toLowerCase(),
        occurredAt: String(m.occurredAt),
      },
      signature: r.signature.toLowerCase(),
    };
  });
}

async function loadIncidents(
  pool: pg.Pool,
  ids: string[],
  origin: string,
): Promise<BundleIncident[]> {
  if (ids.length === 0) return [];
  const { rows } = await pool.query<{
    id: string;
    status: string;
    statement: BundleIncident["statement"];
    statement_digest: string;
    signature: string;
    operator: string;
    computed_at: Date | null;
    summary: Record<string, unknown> | null;
  }>(
    `SELECT i.id::text, i.status::text, i.statement, i.statement_digest, i.signature, i.operator, b.computed_at, b.summary
       FROM incident i
       LEFT JOIN LATERAL (SELECT computed_at, summary FROM blast_radius WHERE incident_id = i.id
                           ORDER BY computed_at DESC LIMIT 1) b ON true
      WHERE i.id = ANY($1::uuid[]) AND i.signature IS NOT NULL ORDER BY i.created_at`,
    [ids],
  );
  return rows.map((r) => ({
    id: r.id,
    url: `${origin}/incidents/${r.id}`,
    status: r.status,
    statement: r.statement,
    digest: r.statement_digest,
    signature: r.signature,
    operator: r.operator,
    blastRadius:
      r.computed_at && r.summary
        ? {
            computedAt: r.computed_at.toISOString(),
            counts: Object.fromEntries(
              Object.entries(r.summary).filter(
                (e): e is [string, number] => typeof e[1] === "number",
              ),
            ),
          }
        : null,
  }));
}

async function loadDisputes(
  pool: pg.Pool,
  ids: string[],
  origin: string,
): Promise<BundleDispute[]> {
  if (ids.length === 0) return [];
  const { rows } = await pool.query<{
    id: string;
    output_hash: string;
    status: string;
    opened_by: string;
    reason: string;
    incident_id: string | null;
    created_at: Date;
    entries: {
      at: string;
      author: string;
      kind: string;
      body: string;
      statusFrom: string | null;
      statusTo: string | null;
      incidentId: string | null;
    }[];
  }>(
    `SELECT d.id::text, d.output_hash, d.status::text, d.opened_by, d.reason, d.incident_id::text, d.created_at,
            COALESCE((SELECT json_agg(json_build_object('at', c.created_at, 'author', c.author, 'kind', c.kind, 'body', c.body,
                       'statusFrom', c.status_from, 'statusTo', c.status_to, 'incidentId', c.incident_id) ORDER BY c.created_at, c.id)
                FROM dispute_comment c WHERE c.dispute_id = d.id), '[]') AS entries
       FROM dispute d WHERE d.id = ANY($1::uuid[]) ORDER BY d.created_at`,
    [ids],
  );
  return rows.map((r) => ({
    id: r.id,
    url: `${origin}/disputes/${r.id}`,
    outputHash: r.output_hash,
    status: r.status,
    openedBy: r.opened_by,
    reason: r.reason,
    incidentId: r.incident_id,
    createdAt: r.created_at.toISOString(),
    entries: r.entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
  }));
}

/**
 * The audit entries about these subjects, the unbroken chain from the first of them to the
 * latest signed checkpoint, and that checkpoint. When entries are not covered by a checkpoint yet,
 * one is signed now (at most one per new entry), so the bundle proves itself.
 */
async function loadAudit(
  pool: pg.Pool,
  subjects: { type: string; id: string }[],
): Promise<EvidenceBundle["audit"]> {
  const empty = { events: [], chain: [], checkpoint: null };
  if (subjects.length === 0) return empty;
  const { rows: events } = await pool.query<AuditRow & { payload: Record<string, unknown> }>(
    `SELECT ${AUDIT_COLUMNS}, payload FROM audit_event
      WHERE (subject_type, subject_id) IN (SELECT * FROM unnest($1::text[], $2::text[])) ORDER BY audit_event.seq`,
    [subjects.map((s) => s.type), subjects.map((s) => s.id)],
  );
  if (events.length === 0) return empty;
  const last = events.at(-1)!.seq;
  const covered = await pool.query<{ upto: string | null }>(
    "SELECT max(upto_seq)::text AS upto FROM audit_checkpoint",
  );
  if (covered.rows[0]?.upto === null || BigInt(covered.rows[0]?.upto ?? "0") < BigInt(last)) {
    const client = await pool.connect();
    try {
      await checkpointIfDue(client, getAuditSigner(), 0);
    } finally {
      client.release();
    }
  }
  const { rows: checkpoints } = await pool.query<{
    upto_seq: string;
    count: string;
    head_hash: string;
    signer: string;
    signature: string;
  }>(
    `SELECT upto_seq::text, count::text, head_hash, signer, signature FROM audit_checkpoint
      WHERE upto_seq >= $1 ORDER BY upto_seq DESC LIMIT 1`,
    [last],
  );
  const checkpoint = checkpoints[0];
  const { rows: chain } = await pool.query<AuditRow>(
    `SELECT ${AUDIT_COLUMNS} FROM audit_event WHERE seq BETWEEN $1 AND $2 ORDER BY audit_event.seq`,
    [events[0]!.seq, checkpoint?.upto_seq ?? last],
  );
  return {
    events: events.map((e) => ({ ...toLink(e), payload: e.payload })),
    chain: chain.map(toLink),
    checkpoint: checkpoint
      ? {
          uptoSeq: checkpoint.upto_seq,
          count: checkpoint.count,
          headHash: checkpoint.head_hash,
          signer: checkpoint.signer,
          signature: checkpoint.signature,
        }
      : null,
  };
}

const AUDIT_COLUMNS =
  "seq::text, occurred_at, actor, action, subject_type, subject_id, payload_hash, prev_hash, hash";

type AuditRow = Omit<EventRow, "payload">;

const toLink = (r: AuditRow) => ({
  seq: r.seq,
  occurredAt: r.occurred_at.toISOString(),
  actor: r.actor,
  action: r.action,
  subjectType: r.subject_type,
  subjectId: r.subject_id,
  payloadHash: r.payload_hash,
  prevHash: r.prev_hash,
  hash: r.hash,
});
