import "server-only";
import type { FindingList, FindingListQuery } from "@/lib/api/schemas/findings";
import { encodeCursor } from "@/lib/api/schemas/query";
import { getPool } from "@/lib/db/client";
import { addParam, modelIdForParam, type SqlFilter } from "@/lib/db/inference-filters";
import { inferenceHref, outputHref } from "@/lib/web/links";

/** Where a finding's evidence is shown: its inference, else its output, else its transaction. */
export function findingHref(f: { inferenceId: string | null; evidence: Record<string, unknown> }) {
  if (f.inferenceId) return inferenceHref(f.inferenceId);
  const { outputHash, txHash } = f.evidence;
  if (typeof outputHash === "string") return outputHref(outputHash);
  if (typeof txHash === "string") return `/search?q=${txHash}`;
  return null;
}

/**
 * Findings, newest first by (detected_at, id), filtered by kind, status, severity and model,
 * with counts per kind (open and resolved) for the group headings.
 */
export async function listFindings(q: FindingListQuery): Promise<FindingList> {
  const sql: SqlFilter = { where: [], params: [] };
  const { where, params } = sql;
  const param = (v: unknown) => addParam(sql, v);
  if (q.model) where.push(`f.model_id = ${param(await modelIdForParam(q.model))}`);
  const groupWhere = [...where];
  const groupParams = [...params];
  if (q.kind) where.push(`f.kind = ${param(q.kind)}::finding_kind`);
  if (q.severity) where.push(`f.severity = ${param(q.severity)}`);
  if (q.status === "open") where.push("f.resolved_at IS NULL");
  if (q.status === "resolved") where.push("f.resolved_at IS NOT NULL");
  if (q.cursor)
    where.push(`(f.detected_at, f.id::text) < (${param(q.cursor.at)}, ${param(q.cursor.id)})`);
  const pool = getPool();
  const [groups, items] = await Promise.all([
    pool.query<{ kind: string; open: number; resolved: number }>(
      `SELECT f.kind::text, count(*) FILTER (WHERE f.resolved_at IS NULL)::int AS open,
              count(*) FILTER (WHERE f.resolved_at IS NOT NULL)::int AS resolved
         FROM finding f ${groupWhere.length ? `WHERE ${groupWhere.join(" AND ")}` : ""}
        GROUP BY 1 ORDER BY 2 DESC, 1`,
      groupParams,
    ),
    pool.query<{
      id: string;
      kind: string;
      severity: string;
      message: string;
      evidence: Record<string, unknown>;
      detected_at: Date;
      resolved_at: Date | null;
      inference_id: string | null;
      incident_id: string | null;
      model: string | null;
    }>(
      `SELECT f.id, f.kind::text, f.severity, f.message, f.evidence, f.detected_at, f.resolved_at,
              f.inference_id, f.incident_id, m.name AS model
         FROM finding f LEFT JOIN model m ON m.id = f.model_id
        ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
        ORDER BY f.detected_at DESC, f.id::text DESC LIMIT ${q.limit + 1}`,
      params,
    ),
  ]);
  const page = items.rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    groups: groups.rows,
    items: page.map((f) => ({
      id: f.id,
      kind: f.kind,
      severity: f.severity,
      message: f.message,
      evidence: f.evidence,
      detectedAt: f.detected_at.toISOString(),
      resolvedAt: f.resolved_at?.toISOString() ?? null,
      model: f.model,
      href: findingHref({ inferenceId: f.inference_id, evidence: f.evidence }),
      incidentId: f.incident_id,
    })),
    nextCursor:
      items.rows.length > q.limit && last ? encodeCursor(last.detected_at, last.id) : null,
  };
}
