import "server-only";
import {
  BUCKET_SECONDS,
  type BucketName,
  type Timeline,
  type TimelineQuery,
} from "@/lib/api/schemas/timeline";
import { getPool } from "@/lib/db/client";
import {
  filterConditions,
  needsRawRows,
  resolveVersionIds,
  type SqlFilter,
} from "@/lib/db/inference-filters";
import { evidenceNow, getModelOrThrow } from "@/lib/db/models";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * Buckets a default view aims for: few enough bars to read, and a day in hours, so the
 * common views (a day, a week, a month) read the hourly roll-up; zooming below a day
 * switches to 15- and 5-minute buckets counted from the rows.
 */
const TARGET_BUCKETS = 48;
const MAX_FINDING_MARKERS = 500;

/** The smallest bucket that keeps the span within the target, else the largest. */
export function pickBucket(spanMs: number): BucketName {
  const names = Object.keys(BUCKET_SECONDS) as BucketName[];
  return names.find((n) => spanMs / (BUCKET_SECONDS[n] * 1000) <= TARGET_BUCKETS) ?? names.at(-1)!;
}

const floorTo = (t: number, ms: number) => Math.floor(t / ms) * ms;
const ceilTo = (t: number, ms: number) => Math.ceil(t / ms) * ms;

/**
 * A model's timeline between `from` and `to`: requests per version per bucket, OPG paid per
 * bucket, deployment lanes, rollback windows and findings, all as of `asOf` when given.
 * Bucket counts of an hour or more read the hourly roll-up; smaller buckets, payer and agent
 * filters, and the part-hour before `asOf` read inference rows through their indexes.
 */
export async function getModelTimeline(name: string, q: TimelineQuery): Promise<Timeline> {
  const model = await getModelOrThrow(name);
  const pool = getPool();
  const versionIds = q.version ? await resolveVersionIds(model.id, q.version) : undefined;
  const [extentRow, versions, now] = await Promise.all([
    pool.query<{ lo: Date | null; hi: Date | null }>(
      `SELECT (SELECT min(occurred_at) FROM inference WHERE model_id = $1) AS lo,
              (SELECT max(occurred_at) FROM inference WHERE model_id = $1) AS hi`,
      [model.id],
    ),
    pool.query<{ id: string; label: string; key: string }>(
      "SELECT id, label, key FROM model_version WHERE model_id = $1 ORDER BY created_at, label",
      [model.id],
    ),
    evidenceNow(),
  ]);
  const { lo, hi } = extentRow.rows[0]!;
  const asOf = q.asOf ?? null;
  const end =
    q.to ?? new Date(Math.min((asOf ?? hi ?? now).getTime() + HOUR_MS, now.getTime() + HOUR_MS));
  const start =
    q.from ??
    new Date(Math.max(lo?.getTime() ?? end.getTime() - DAY_MS, end.getTime() - 30 * DAY_MS));
  const bucket = q.bucket ?? pickBucket(end.getTime() - start.getTime());
  const bucketMs = BUCKET_SECONDS[bucket] * 1000;
  const from = new Date(floorTo(start.getTime(), bucketMs));
  const to = new Date(ceilTo(end.getTime(), bucketMs));
  // Nothing after asOf was known at asOf.
  const cut = asOf && asOf < to ? asOf : to;

  const filters = { ...q, versionIds };
  const [counts, lanes, windows, findings] = await Promise.all([
    countBuckets(model.id, filters, from, cut, bucketMs),
    deploymentLanes(model.id, asOf),
    rollbackWindows(model.id, asOf),
    findingMarkers(model.id, from, cut, asOf),
  ]);

  const buckets: Timeline["buckets"] = [];
  for (let t = from.getTime(); t < cut.getTime(); t += bucketMs) {
    buckets.push({ start: new Date(t).toISOString(), requests: {}, paid: "0" });
  }
  const byStart = new Map(buckets.map((b) => [b.start, b]));
  let requests = 0;
  let paid = 0n;
  for (const row of counts) {
    const b = byStart.get(row.start.toISOString());
    if (!b) continue;
    const key = row.version_id ?? "none";
    b.requests[key] = (b.requests[key] ?? 0) + row.requests;
    b.paid = (BigInt(b.paid) + BigInt(row.paid)).toString();
    requests += row.requests;
    paid += BigInt(row.paid);
  }
  return {
    model: { name: model.name, kind: model.kind },
    from: from.toISOString(),
    to: to.toISOString(),
    bucket,
    bucketSeconds: BUCKET_SECONDS[bucket],
    asOf: asOf?.toISOString() ?? null,
    extent: lo && hi ? { from: lo.toISOString(), to: hi.toISOString() } : null,
    versions: versions.rows,
    lanes,
    rollbackWindows: windows,
    buckets,
    findings,
    totals: { requests, paid: paid.toString() },
  };
}

interface CountRow {
  start: Date;
  version_id: string | null;
  requests: number;
  paid: string;
}

async function countBuckets(
  modelId: string,
  f: TimelineQuery & { versionIds?: string[] },
  from: Date,
  cut: Date,
  bucketMs: number,
): Promise<CountRow[]> {
  const seconds = bucketMs / 1000;
  const rawOnly = needsRawRows(f) || bucketMs < HOUR_MS;
  // Whole hours come from the roll-up; the part-hour before an asOf cut from the rows.
  const hourCut = rawOnly
    ? from
    : new Date(Math.max(from.getTime(), floorTo(cut.getTime(), HOUR_MS)));
  const parts: Promise<CountRow[]>[] = [];
  if (hourCut > from) {
    const sql: SqlFilter = { where: [], params: [modelId, from, hourCut, seconds] };
    filterConditions(sql, "r", f, true);
    parts.push(
      getPool()
        .query<CountRow>(
          `SELECT to_timestamp(floor(extract(epoch FROM r.hour) / $4) * $4) AS start,
                  r.model_version_id AS version_id, sum(r.requests)::int AS requests, sum(r.paid)::text AS paid
             FROM inference_rollup r
            WHERE r.model_id = $1 AND r.hour >= $2 AND r.hour < $3 AND NOT r.orphaned
                  ${sql.where.map((w) => `AND ${w}`).join(" ")}
            GROUP BY 1, 2`,
          sql.params,
        )
        .then((r) => r.rows),
    );
  }
  if (cut > hourCut) {
    const sql: SqlFilter = { where: [], params: [modelId, hourCut, cut, seconds] };
    filterConditions(sql, "i", f);
    parts.push(
      getPool()
        .query<CountRow>(
          `SELECT to_timestamp(floor(extract(epoch FROM i.occurred_at) / $4) * $4) AS start,
                  i.model_version_id AS version_id, count(*)::int AS requests,
                  COALESCE(sum((SELECT sum(a.amount) FROM payment_allocation a WHERE a.inference_id = i.id)), 0)::text AS paid
             FROM inference i
            WHERE i.model_id = $1 AND i.occurred_at >= $2 AND i.occurred_at < $3 AND i.orphaned_at IS NULL
                  ${sql.where.map((w) => `AND ${w}`).join(" ")}
            GROUP BY 1, 2`,
          sql.params,
        )
        .then((r) => r.rows),
    );
  }
  return (await Promise.all(parts)).flat();
}

/**
 * Deployment intervals as the evidence said at `asOf`: chain-derived rows (approval,
 * revocation, observed use) count from their block times, so a version revoked after asOf
 * is still live then; operator rows (basis "incident") count from when they were recorded.
 */
async function deploymentLanes(modelId: string, asOf: Date | null): Promise<Timeline["lanes"]> {
  const { rows } = await getPool().query<{
    version_id: string;
    label: string;
    valid_from: Date;
    valid_to: Date | null;
    basis: string;
  }>(
    `SELECT d.model_version_id AS version_id, mv.label, d.valid_from,
            CASE WHEN $2::timestamptz IS NULL OR d.valid_to <= $2 THEN d.valid_to END AS valid_to,
            CASE WHEN $2::timestamptz IS NOT NULL AND d.basis = 'revocation' AND d.valid_to > $2 THEN 'approval' ELSE d.basis END AS basis
       FROM deployment d JOIN model_version mv ON mv.id = d.model_version_id
      WHERE d.model_id = $1
        AND (CASE WHEN d.basis = 'incident' AND $2::timestamptz IS NOT NULL
                  THEN d.recorded_at <= $2 AND (d.superseded_at IS NULL OR d.superseded_at > $2)
                  ELSE d.superseded_at IS NULL END)
        AND ($2::timestamptz IS NULL OR d.valid_from <= $2)
      ORDER BY d.valid_from, mv.label`,
    [modelId, asOf],
  );
  return rows.map((r) => ({
    versionId: r.version_id,
    label: r.label,
    from: r.valid_from.toISOString(),
    to: r.valid_to?.toISOString() ?? null,
    basis: r.basis,
  }));
}

/**
 * When bad versions served: operators' signed incident windows, and revoked versions'
 * intervals where no signed incident covers the version.
 */
async function rollbackWindows(
  modelId: string,
  asOf: Date | null,
): Promise<Timeline["rollbackWindows"]> {
  const { rows } = await getPool().query<{
    version_id: string;
    label: string;
    from: Date;
    to: Date | null;
    source: string;
    incident_id: string | null;
  }>(
    `SELECT d.model_version_id AS version_id, mv.label, d.valid_from AS "from", d.valid_to AS "to",
            'revocation' AS source, NULL::uuid AS incident_id
       FROM deployment d JOIN model_version mv ON mv.id = d.model_version_id
      WHERE d.model_id = $1 AND d.basis = 'revocation' AND d.superseded_at IS NULL
        AND ($2::timestamptz IS NULL OR d.valid_to <= $2)
        -- A signed incident for the version says more than the bare revocation: show one window.
        AND NOT EXISTS (SELECT 1 FROM incident i WHERE i.bad_version_id = d.model_version_id
                         AND i.status = 'confirmed' AND ($2::timestamptz IS NULL OR i.created_at <= $2)
                         AND NOT EXISTS (SELECT 1 FROM incident n WHERE n.supersedes_id = i.id
                                          AND ($2::timestamptz IS NULL OR n.created_at <= $2)))
     UNION ALL
     SELECT i.bad_version_id, mv.label, i.window_from,
            CASE WHEN $2::timestamptz IS NULL OR i.window_to <= $2 THEN i.window_to END,
            'incident', i.id
       FROM incident i JOIN model_version mv ON mv.id = i.bad_version_id
      WHERE i.model_id = $1 AND i.status = 'confirmed'
        AND NOT EXISTS (SELECT 1 FROM incident n WHERE n.supersedes_id = i.id
                         AND ($2::timestamptz IS NULL OR n.created_at <= $2))
        AND ($2::timestamptz IS NULL OR i.created_at <= $2)
      ORDER BY 3`,
    [modelId, asOf],
  );
  return rows.map((r) => ({
    versionId: r.version_id,
    label: r.label,
    from: r.from.toISOString(),
    to: r.to?.toISOString() ?? null,
    source: r.source,
    incidentId: r.incident_id,
  }));
}

/**
 * Open findings about the model, at the time of what they concern. As of T, a finding counts
 * once all its evidence existed: its subject, and the revocation it cites.
 */
async function findingMarkers(
  modelId: string,
  from: Date,
  to: Date,
  asOf: Date | null,
): Promise<Timeline["findings"]> {
  const { rows } = await getPool().query<{
    id: string;
    kind: string;
    severity: string;
    message: string;
    at: Date;
    inference_id: string | null;
  }>(
    `SELECT f.id, f.kind::text, f.severity, f.message, f.subject_at AS at, f.inference_id
       FROM finding f
      WHERE f.model_id = $1 AND f.subject_at >= $2 AND f.subject_at < $3 AND f.resolved_at IS NULL
        AND ($4::timestamptz IS NULL OR GREATEST(f.subject_at, (f.evidence->>'revokedAt')::timestamptz) <= $4)
      ORDER BY f.subject_at, f.id LIMIT ${MAX_FINDING_MARKERS}`,
    [modelId, from, to, asOf],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    severity: r.severity,
    message: r.message,
    at: r.at.toISOString(),
    inferenceId: r.inference_id,
  }));
}
