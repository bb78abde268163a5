import "server-only";
import type { Hex } from "viem";
import { notFound } from "@/lib/api/errors";
import { listBlastRadii, type StoredBlastRadius } from "@/lib/db/blast-radius";
import { getPool } from "@/lib/db/client";
import {
  incidentStatementDigest,
  recoverIncidentSigner,
  type IncidentStatement,
} from "@/lib/evidence/incident-statement";

export interface IncidentSummary {
  id: string;
  model: string;
  badVersion: string;
  rolledBackTo: string | null;
  windowFrom: string;
  windowTo: string | null;
  status: "proposed" | "confirmed";
  operator: string | null;
  createdAt: string;
  supersedesId: string | null;
  supersededById: string | null;
  /** From the newest stored blast radius. */
  affected: number | null;
  stale: number | null;
}

const SUMMARY_SQL = `
  SELECT i.id, m.name AS model, bad.label AS bad_version, back.label AS rolled_back_to, i.window_from, i.window_to,
         i.status, i.operator, i.created_at, i.supersedes_id,
         (SELECT n.id FROM incident n WHERE n.supersedes_id = i.id) AS superseded_by_id,
         (b.summary ->> 'affected')::int AS affected, (b.summary ->> 'stale')::int AS stale
    FROM incident i
    JOIN model m ON m.id = i.model_id
    JOIN model_version bad ON bad.id = i.bad_version_id
    LEFT JOIN model_version back ON back.id = i.rolled_back_to_version_id
    LEFT JOIN LATERAL (SELECT summary FROM blast_radius WHERE incident_id = i.id ORDER BY computed_at DESC LIMIT 1) b ON true`;

type SummaryRow = {
  id: string;
  model: string;
  bad_version: string;
  rolled_back_to: string | null;
  window_from: Date;
  window_to: Date | null;
  status: "proposed" | "confirmed";
  operator: string | null;
  created_at: Date;
  supersedes_id: string | null;
  superseded_by_id: string | null;
  affected: number | null;
  stale: number | null;
};

const toSummary = (r: SummaryRow): IncidentSummary => ({
  id: r.id,
  model: r.model,
  badVersion: r.bad_version,
  rolledBackTo: r.rolled_back_to,
  windowFrom: r.window_from.toISOString(),
  windowTo: r.window_to?.toISOString() ?? null,
  status: r.status,
  operator: r.operator,
  createdAt: r.created_at.toISOString(),
  supersedesId: r.supersedes_id,
  supersededById: r.superseded_by_id,
  affected: r.affected,
  stale: r.stale,
});

/** Incidents, newest first; superseded ones stay listed (incidents are append-only). */
export async function listIncidents(
  filter: { status?: "proposed" | "confirmed"; model?: string; limit?: number } = {},
): Promise<IncidentSummary[]> {
  const { rows } = await getPool().query<SummaryRow>(
    `${SUMMARY_SQL}
      WHERE ($1::incident_status IS NULL OR i.status = $1) AND ($2::text IS NULL OR m.name = $2)
      ORDER BY i.created_at DESC, i.id LIMIT $3`,
    [filter.status ?? null, filter.model ?? null, filter.limit ?? 200],
  );
  return rows.map(toSummary);
}

export interface IncidentDetail extends IncidentSummary {
  modelId: string;
  badVersionKey: string;
  rolledBackToKey: string | null;
  windowChainId: number | null;
  windowFromBlock: string | null;
  windowToBlock: string | null;
  reason: string;
  evidenceLinks: string[];
  statement:
    (IncidentStatement & { types?: unknown; primaryType?: string }) | Record<string, unknown>;
  signature: string | null;
  digest: string | null;
  /** Recomputed now from the stored statement and signature. */
  verification: { digestMatches: boolean; signer: string | null; signedByOperator: boolean } | null;
  proposedFrom: {
    eventId: string;
    chainId: number;
    blockNumber: string;
    txHash: string;
    orphaned: boolean;
  } | null;
  findings: {
    id: string;
    kind: string;
    severity: string;
    message: string;
    inferenceId: string | null;
    resolved: boolean;
  }[];
  findingsTotal: number;
  blastRadii: StoredBlastRadius[];
}

/** One incident with its statement re-verified, its findings and its stored blast radii. */
export async function getIncidentOrThrow(id: string): Promise<IncidentDetail> {
  const pool = getPool();
  const { rows } = await pool.query<
    SummaryRow & {
      model_id: string;
      bad_key: string;
      back_key: string | null;
      window_chain_id: number | null;
      window_from_block: string | null;
      window_to_block: string | null;
      reason: string;
      evidence_links: string[];
      statement: IncidentDetail["statement"];
      signature: string | null;
      statement_digest: string | null;
      event_id: string | null;
      event_chain_id: number | null;
      event_block: string | null;
      event_tx: string | null;
      event_orphaned: boolean | null;
    }
  >(
    `SELECT s.*, i.model_id, bad.key AS bad_key, back.key AS back_key, i.window_chain_id,
            i.window_from_block::text, i.window_to_block::text, i.reason, i.evidence_links, i.statement,
            i.signature, i.statement_digest, r.id AS event_id, r.chain_id AS event_chain_id,
            r.block_number::text AS event_block, r.tx_hash AS event_tx, r.orphaned_at IS NOT NULL AS event_orphaned
       FROM (${SUMMARY_SQL} WHERE i.id = $1) s
       JOIN incident i ON i.id = s.id
       JOIN model_version bad ON bad.id = i.bad_version_id
       LEFT JOIN model_version back ON back.id = i.rolled_back_to_version_id
       LEFT JOIN registry_event r ON r.id = i.proposed_from_event_id`,
    [id],
  );
  const row = rows[0];
  if (!row) throw notFound(`No incident ${id}.`);
  const [findings, blastRadii] = await Promise.all([
    pool.query<{
      id: string;
      kind: string;
      severity: string;
      message: string;
      inference_id: string | null;
      resolved: boolean;
      total: number;
    }>(
      `SELECT id, kind::text, severity, message, inference_id, resolved_at IS NOT NULL AS resolved,
              count(*) OVER ()::int AS total
         FROM finding WHERE incident_id = $1 ORDER BY subject_at NULLS LAST, id LIMIT 50`,
      [id],
    ),
    listBlastRadii(id),
  ]);
  return {
    ...toSummary(row),
    modelId: row.model_id,
    badVersionKey: row.bad_key,
    rolledBackToKey: row.back_key,
    windowChainId: row.window_chain_id,
    windowFromBlock: row.window_from_block,
    windowToBlock: row.window_to_block,
    reason: row.reason,
    evidenceLinks: row.evidence_links,
    statement: row.statement,
    signature: row.signature,
    digest: row.statement_digest,
    verification: await verifyStored(
      row.statement,
      row.signature,
      row.statement_digest,
      row.operator,
    ),
    proposedFrom: row.event_id
      ? {
          eventId: row.event_id,
          chainId: row.event_chain_id!,
          blockNumber: row.event_block!,
          txHash: row.event_tx!,
          orphaned: row.event_orphaned ?? false,
        }
      : null,
    findings: findings.rows.map((f) => ({
      id: f.id,
      kind: f.kind,
      severity: f.severity,
      message: f.message,
      inferenceId: f.inference_id,
      resolved: f.resolved,
    })),
    findingsTotal: findings.rows[0]?.total ?? 0,
    blastRadii,
  };
}

async function verifyStored(
  statement: IncidentDetail["statement"],
  signature: string | null,
  digest: string | null,
  operator: string | null,
): Promise<IncidentDetail["verification"]> {
  if (!signature || !("message" in statement) || !("domain" in statement)) return null;
  const s = { domain: statement.domain, message: statement.message } as IncidentStatement;
  let recomputed: string | null = null;
  try {
    recomputed = incidentStatementDigest(s);
  } catch {
    recomputed = null;
  }
  const signer = await recoverIncidentSigner(s, signature as Hex);
  return { digestMatches: recomputed === digest, signer, signedByOperator: signer === operator };
}

/** Models and their versions with deployment windows, for the "new incident" form. */
export async function listIncidentChoices() {
  const { rows } = await getPool().query<{
    model: string;
    key: string;
    label: string;
    valid_from: Date | null;
    valid_to: Date | null;
    inferences: number;
  }>(
    `SELECT m.name AS model, mv.key, mv.label, d.valid_from, d.valid_to,
            (SELECT COALESCE(sum(r.requests), 0) FROM inference_rollup r
              WHERE r.model_id = mv.model_id AND r.model_version_id = mv.id AND NOT r.orphaned)::int AS inferences
       FROM model_version mv JOIN model m ON m.id = mv.model_id
       LEFT JOIN LATERAL (SELECT valid_from, valid_to FROM deployment
                           WHERE model_version_id = mv.id AND superseded_at IS NULL
                           ORDER BY (basis = 'incident'), valid_from LIMIT 1) d ON true
      ORDER BY m.name, d.valid_from NULLS LAST, mv.label`,
  );
  const models = new Map<
    string,
    { key: string; label: string; from: string | null; to: string | null; inferences: number }[]
  >();
  for (const r of rows) {
    const list = models.get(r.model) ?? [];
    list.push({
      key: r.key,
      label: r.label,
      from: r.valid_from?.toISOString() ?? null,
      to: r.valid_to?.toISOString() ?? null,
      inferences: r.inferences,
    });
    models.set(r.model, list);
  }
  return [...models].map(([model, versions]) => ({ model, versions }));
}

/** Throws 404 unless the incident exists (for routes that need nothing else of it). */
export async function assertIncidentExists(id: string): Promise<void> {
  const { rowCount } = await getPool().query("SELECT 1 FROM incident WHERE id = $1", [id]);
  if (!rowCount) throw notFound(`No incident ${id}.`);
}
