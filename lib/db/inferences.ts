import "server-only";
import { invalidField, notFound } from "@/lib/api/errors";
import type {
  InferenceDetail,
  InferenceListQuery,
  InferencePage,
  OutputProvenance,
} from "@/lib/api/schemas/inferences";
import { encodeCursor } from "@/lib/api/schemas/query";
import { getPool } from "@/lib/db/client";
import { downstreamJsonSql, toDownstream } from "@/lib/db/downstream";
import {
  addParam,
  filterConditions,
  modelIdForParam,
  resolveVersionIds,
  type SqlFilter,
} from "@/lib/db/inference-filters";

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * A page of inferences, newest first, by (occurred_at, id) keyset: stable while new rows
 * arrive, and an index range scan however deep the page.
 */
export async function listInferences(q: InferenceListQuery): Promise<InferencePage> {
  const sql: SqlFilter = { where: [], params: [] };
  const param = (v: unknown) => addParam(sql, v);
  let versionIds: string[] | undefined;
  if (q.model) {
    const modelId = await modelIdForParam(q.model);
    sql.where.push(`i.model_id = ${param(modelId)}`);
    if (q.version) versionIds = await resolveVersionIds(modelId, q.version);
  } else if (q.version) {
    throw invalidField("version", "needs a model: versions are named within a model");
  }
  filterConditions(sql, "i", { ...q, versionIds });
  if (q.from) sql.where.push(`i.occurred_at >= ${param(q.from)}`);
  if (q.to) sql.where.push(`i.occurred_at < ${param(q.to)}`);
  if (q.cursor) {
    sql.where.push(`(i.occurred_at, i.id) < (${param(q.cursor.at)}, ${param(q.cursor.id)})`);
  }
  const { rows } = await getPool().query<{
    id: string;
    model: string;
    version: string | null;
    occurred_at: Date;
    tee_id: string | null;
    input_hash: string;
    output_hash: string;
    signature_status: string;
    settled: boolean;
    orphaned: boolean;
    paid: string | null;
    open_findings: number;
  }>(
    `SELECT i.id, m.name AS model, mv.label AS version, i.occurred_at, i.tee_id, i.input_hash, i.output_hash,
            i.signature_status::text, (i.settlement_id IS NOT NULL OR i.batch_leaf_id IS NOT NULL) AS settled,
            i.orphaned_at IS NOT NULL AS orphaned,
            (SELECT sum(a.amount)::text FROM payment_allocation a WHERE a.inference_id = i.id) AS paid,
            (SELECT count(*)::int FROM finding f WHERE f.inference_id = i.id AND f.resolved_at IS NULL) AS open_findings
       FROM (SELECT * FROM inference i ${sql.where.length ? `WHERE ${sql.where.join(" AND ")}` : ""}
              ORDER BY i.occurred_at DESC, i.id DESC LIMIT ${q.limit + 1}) i
       JOIN model m ON m.id = i.model_id
       LEFT JOIN model_version mv ON mv.id = i.model_version_id
      ORDER BY i.occurred_at DESC, i.id DESC`,
    sql.params,
  );
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      model: r.model,
      version: r.version,
      occurredAt: r.occurred_at.toISOString(),
      teeId: r.tee_id,
      inputHash: r.input_hash,
      outputHash: r.output_hash,
      signatureStatus: r.signature_status,
      settled: r.settled,
      orphaned: r.orphaned,
      paid: r.paid,
      openFindings: r.open_findings,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.occurred_at, last.id) : null,
  };
}

/** The provenance card of one inference; 404 when there is none with that id. */
export async function getInferenceOrThrow(id: string): Promise<InferenceDetail> {
  const detail = await loadInference({ id });
  if (!detail[0]) {
    throw notFound(`There is no inference "${id}"; search by output hash at /api/v1/search?q=…`);
  }
  return detail[0];
}

/** Every inference that produced this output (usually one); 404 when none did. */
export async function getOutputOrThrow(outputHash: string): Promise<OutputProvenance> {
  const inferences = await loadInference({ outputHash });
  if (inferences.length === 0) {
    throw notFound(
      `No indexed inference produced output ${outputHash}. It may not be indexed yet, or the hash may be wrong.`,
    );
  }
  return { outputHash, inferences };
}

/** The whole card, downstream graph included, in one statement: a lookup is one round trip. */
const CARD_SQL = (where: string) => `
  SELECT i.id, i.occurred_at, i.created_at, i.input_hash, i.output_hash, i.signature,
         i.signature_status::text AS signature_status, i.verification_reason, i.receipt_id::text AS receipt_id,
         i.session_id, i.payer, i.tee_id, i.orphaned_at, m.name AS model_name, m.kind AS model_kind,
         mv.id::text AS version_id, mv.label AS version_label, mv.key AS version_key,
         d.valid_from, d.valid_to, d.basis,
         e.chain_id AS enclave_chain_id, e.endpoint, e.pcr_hash, e.enabled,
         s.id::text AS s_id, s.chain_id AS s_chain_id, s.block_number::text AS s_block, s.block_hash AS s_block_hash,
         s.tx_hash AS s_tx, s.log_index AS s_log, s.orphaned_at AS s_orphaned, s.kind::text AS s_kind, s.merkle_root,
         l.leaf_index, l.proof_valid, l.proof, h.chain_id AS h_chain_id, h.block_number::text AS h_block,
         COALESCE((SELECT json_agg(json_build_object('id', p.id, 'chainId', p.chain_id, 'blockNumber', p.block_number::text,
                    'blockHash', p.block_hash, 'txHash', p.tx_hash, 'logIndex', p.log_index, 'orphanedAt', p.orphaned_at,
                    'from', p.from_address, 'to', p.to_address, 'value', p.value::text, 'allocated', a.amount::text,
                    'method', a.method, 'revision', a.revision, 'requestAmount', i.request_amount::text,
                    'revisedAt', (SELECT ar.recorded_at FROM allocation_revision ar
                                   WHERE ar.payment_id = p.id AND ar.revision = a.revision AND a.revision > 1))
                    ORDER BY a.created_at, p.id)
                     FROM payment_allocation a JOIN payment p ON p.id = a.payment_id WHERE a.inference_id = i.id), '[]') AS payments,
         COALESCE((SELECT json_agg(json_build_object('id', f.id, 'kind', f.kind, 'severity', f.severity, 'message', f.message,
                    'detectedAt', f.detected_at, 'resolvedAt', f.resolved_at) ORDER BY f.detected_at, f.id)
                     FROM finding f WHERE f.inference_id = i.id), '[]') AS findings,
         COALESCE((SELECT json_agg(x ORDER BY x."blockNumber") FROM (
                     SELECT chain_id AS "chainId", block_number::text AS "blockNumber", block_hash AS "blockHash", tx_hash AS "txHash",
                            log_index AS "logIndex", orphaned_at AS "orphanedAt" FROM settlement
                      WHERE output_hash = i.output_hash AND input_hash = i.input_hash AND tee_id = i.tee_id AND orphaned_at IS NOT NULL
                     UNION ALL
                     SELECT chain_id, block_number::text, block_hash, tx_hash, log_index, orphaned_at FROM batch_leaf
                      WHERE output_hash = i.output_hash AND input_hash = i.input_hash AND tee_id = i.tee_id AND orphaned_at IS NOT NULL) x), '[]')
           AS orphaned_settlements,
         ${downstreamJsonSql("i.output_hash")} AS downstream
    FROM inference i
    JOIN model m ON m.id = i.model_id
    LEFT JOIN model_version mv ON mv.id = i.model_version_id
    LEFT JOIN LATERAL (SELECT valid_from, valid_to, basis FROM deployment
                        WHERE model_version_id = i.model_version_id AND superseded_at IS NULL ORDER BY valid_from LIMIT 1) d ON true
    LEFT JOIN LATERAL (SELECT chain_id, endpoint, pcr_hash, enabled FROM enclave
                        WHERE tee_id = i.tee_id ORDER BY orphaned_at DESC NULLS FIRST, block_number LIMIT 1) e ON true
    LEFT JOIN settlement s ON s.id = i.settlement_id
    LEFT JOIN batch_leaf l ON l.id = i.batch_leaf_id
    LEFT JOIN hub_event h ON h.id = i.hub_event_id
   WHERE ${where}
   ORDER BY i.occurred_at, i.id LIMIT 20`;

const CARD_BY_ID = CARD_SQL("i.id = $1");
const CARD_BY_OUTPUT = CARD_SQL("i.output_hash = $1");

interface CardRow {
  id: string;
  occurred_at: Date;
  created_at: Date;
  input_hash: string;
  output_hash: string;
  signature: string | null;
  signature_status: string;
  verification_reason: string | null;
  receipt_id: string | null;
  session_id: string | null;
  payer: string | null;
  tee_id: string | null;
  orphaned_at: Date | null;
  model_name: string;
  model_kind: string;
  version_id: string | null;
  version_label: string | null;
  version_key: string | null;
  valid_from: Date | null;
  valid_to: Date | null;
  basis: string | null;
  enclave_chain_id: number | null;
  endpoint: string | null;
  pcr_hash: string | null;
  enabled: boolean | null;
  s_id: string | null;
  s_chain_id: number | null;
  s_block: string | null;
  s_block_hash: string | null;
  s_tx: string | null;
  s_log: number | null;
  s_orphaned: Date | null;
  s_kind: string | null;
  merkle_root: string | null;
  leaf_index: number | null;
  proof_valid: boolean | null;
  proof: string[] | null;
  h_chain_id: number | null;
  h_block: string | null;
  payments: (InferenceDetail["payments"][number] & { orphanedAt: string | null })[];
  findings: InferenceDetail["findings"];
  orphaned_settlements: InferenceDetail["orphanedSettlements"];
  downstream: Parameters<typeof toDownstream>[0];
}

async function loadInference(where: { id: string } | { outputHash: string }) {
  const byId = "id" in where;
  // Note: named, so each connection plans this long statement once and reuses the plan.
  const { rows } = await getPool().query<CardRow>({
    name: byId ? "inference-card-by-id" : "inference-card-by-output",
    text: byId ? CARD_BY_ID : CARD_BY_OUTPUT,
    values: [byId ? where.id : where.outputHash],
  });
  return rows.map((r) => toDetail(r, toDownstream(r.downstream)));
}

/** Postgres' JSON times ("2026-11-23T13:25:17.5+00:00") as the API's ISO form. */
const isoText = (t: string | null) => (t ? new Date(t).toISOString() : null);

function toDetail(r: CardRow, downstream: InferenceDetail["downstream"]): InferenceDetail {
  const live =
    r.valid_from === null
      ? null
      : r.valid_from <= r.occurred_at && (r.valid_to === null || r.occurred_at < r.valid_to);
  return {
    id: r.id,
    model: { name: r.model_name, kind: r.model_kind },
    version:
      r.version_id && r.version_label && r.version_key
        ? { id: r.version_id, label: r.version_label, key: r.version_key }
        : null,
    liveAtTime: live,
    deployment: r.valid_from
      ? { from: r.valid_from.toISOString(), to: iso(r.valid_to), basis: r.basis! }
      : null,
    occurredAt: r.occurred_at.toISOString(),
    recordedAt: r.created_at.toISOString(),
    enclave: r.tee_id
      ? {
          teeId: r.tee_id,
          chainId: r.enclave_chain_id,
          endpoint: r.endpoint,
          pcrHash: r.pcr_hash,
          enabled: r.enabled,
        }
      : null,
    inputHash: r.input_hash,
    outputHash: r.output_hash,
    signature: r.signature,
    signatureStatus: r.signature_status,
    verificationReason: r.verification_reason,
    receiptId: r.receipt_id,
    sessionId: r.session_id,
    payer: r.payer,
    settlement: r.s_id
      ? {
          id: r.s_id,
          chainId: r.s_chain_id!,
          blockNumber: r.s_block!,
          blockHash: r.s_block_hash!,
          txHash: r.s_tx!,
          logIndex: r.s_log!,
          orphanedAt: iso(r.s_orphaned),
          kind: r.s_kind!,
          batch:
            r.leaf_index !== null
              ? {
                  leafIndex: r.leaf_index,
                  merkleRoot: r.merkle_root,
                  proofValid: r.proof_valid!,
                  proof: r.proof ?? [],
                }
              : null,
        }
      : null,
    orphanedSettlements: r.orphaned_settlements.map((o) => ({
      ...o,
      orphanedAt: isoText(o.orphanedAt),
    })),
    orphaned:
      r.orphaned_at && r.h_block !== null
        ? { at: r.orphaned_at.toISOString(), chainId: r.h_chain_id!, blockNumber: r.h_block }
        : null,
    payments: r.payments.map((p) => ({
      ...p,
      orphanedAt: isoText(p.orphanedAt),
      revisedAt: isoText(p.revisedAt),
    })),
    findings: r.findings.map((f) => ({
      ...f,
      detectedAt: isoText(f.detectedAt)!,
      resolvedAt: isoText(f.resolvedAt),
    })),
    downstream,
  };
}
