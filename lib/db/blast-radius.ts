import "server-only";
import type pg from "pg";
import { notFound } from "@/lib/api/errors";
import { BLAST_PARTS, type BlastPart } from "@/lib/api/schemas/blast";
import type { DownstreamNode } from "@/lib/api/schemas/inferences";
import { getPool } from "@/lib/db/client";
import { downstreamJsonSql, toDownstream } from "@/lib/db/downstream";
import { withTransaction } from "@/lib/db/transaction";
import type { BlastSeriesPoint } from "@/lib/web/blast-series";

/** The action graph is walked at most this deep; deeper chains are reported as capped. */
export const BLAST_MAX_DEPTH = 32;

/**
 * Everything an incident reached, in one statement, stored as a new blast_radius row (the
 * result as known at its computation time; later evidence adds a row, never edits one):
 *
 * - inferences of the bad version from the window's start, split into `affected` (inside
 *   the window) and `stale` (at or after its end: records still claiming the rolled-back
 *   version); orphaned records are left out;
 * - their settlements (individual, or the batch holding their leaf);
 * - payments allocated to them, with totals per token (whole payments, and the part
 *   allocated to these inferences);
 * - agent actions citing their outputs, then actions citing those, at every depth. The
 *   walk is UNION over (action, depth) with a depth cap, so a cycle in the citations ends
 *   at the cap instead of running for ever; each action counts once, at its shallowest depth.
 *   Actions of known agents (the agent registry) are the headline (`actions`); those of
 *   unknown agents are counted, listed and charted apart (`unknownActions`), never added in.
 *
 * `result` keeps each part as one comma-separated string of items in a stable order
 * (inference ids; settlement ids; payment "id:allocated"; action "id:depth", known and
 * unknown agents' apart), see
 * `blastItemsSql`. Note: a JSON array of 100k strings costs several times more to build and
 * store than one string, and the whole statement has a budget of a second at that size.
 */
const COMPUTE = `
  WITH RECURSIVE inc AS (
    SELECT id, model_id, bad_version_id, window_from, window_to FROM incident WHERE id = $1
  ), hit AS MATERIALIZED (
    SELECT i.id, i.output_hash, i.occurred_at, i.settlement_id, i.batch_leaf_id,
           (inc.window_to IS NOT NULL AND i.occurred_at >= inc.window_to) AS stale
      FROM inc JOIN inference i ON i.model_id = inc.model_id AND i.model_version_id = inc.bad_version_id
     WHERE i.occurred_at >= inc.window_from AND i.orphaned_at IS NULL
  ), walk(id, depth) AS (
    SELECT c.action_id, 1 FROM hit h JOIN agent_action_citation c ON c.output_hash = h.output_hash
    UNION
    SELECT c.action_id, w.depth + 1 FROM walk w JOIN agent_action_citation c ON c.cited_action_id = w.id
     WHERE w.depth < ${BLAST_MAX_DEPTH}
  ), act AS MATERIALIZED (
    -- Trust tier: an action is known when its agent is in the registry and not retired, as of
    -- this computation. Unknown ones are walked through (a known agent may cite one) but
    -- counted apart, never in the headline.
    SELECT s.id, s.depth, a.occurred_at, a.agent,
           EXISTS (SELECT 1 FROM known_agent k WHERE k.address = a.agent AND k.retired_at IS NULL) AS known
      FROM (SELECT id, min(depth) AS depth FROM walk GROUP BY id) s JOIN agent_action a ON a.id = s.id
  ), sett AS MATERIALIZED (
    SELECT s.id FROM hit h JOIN settlement s ON s.id = h.settlement_id WHERE s.orphaned_at IS NULL
    UNION
    SELECT l.settlement_id FROM hit h JOIN batch_leaf l ON l.id = h.batch_leaf_id WHERE l.orphaned_at IS NULL
  ), pay AS MATERIALIZED (
    -- One probe of payment_allocation(inference_id) per reached inference. OFFSET 0 keeps the
    -- planner from hashing the whole allocation table: it plans before the incident's row is
    -- read, so every incident gets the same generic estimate.
    SELECT p.id, p.token, p.value, sum(a.amount) AS allocated, min(p.occurred_at) AS occurred_at
      FROM hit h
      CROSS JOIN LATERAL (SELECT a.payment_id, a.amount FROM payment_allocation a
                           WHERE a.inference_id = h.id OFFSET 0) a
      JOIN payment p ON p.id = a.payment_id AND p.orphaned_at IS NULL
     GROUP BY p.id, p.token, p.value
  ), hits AS MATERIALIZED (
    -- The counts and both id lists in one pass (one sort) over the reached inferences.
    SELECT count(*) FILTER (WHERE NOT stale) AS affected, count(*) FILTER (WHERE stale) AS stale,
           COALESCE(string_agg(id, ',' ORDER BY occurred_at, id) FILTER (WHERE NOT stale), '') AS affected_ids,
           COALESCE(string_agg(id, ',' ORDER BY occurred_at, id) FILTER (WHERE stale), '') AS stale_ids
      FROM hit
  ), series AS (
    SELECT hour, sum(affected)::int AS affected, sum(stale)::int AS stale, sum(actions)::int AS actions,
           sum(unknown)::int AS unknown FROM (
      SELECT date_trunc('hour', occurred_at) AS hour, count(*) FILTER (WHERE NOT stale) AS affected,
             count(*) FILTER (WHERE stale) AS stale, 0 AS actions, 0 AS unknown FROM hit GROUP BY 1
      UNION ALL
      SELECT date_trunc('hour', occurred_at), 0, 0, count(*) FILTER (WHERE known), count(*) FILTER (WHERE NOT known)
        FROM act GROUP BY 1) u
     GROUP BY hour
  )
  INSERT INTO blast_radius (incident_id, summary, result)
  SELECT $1, jsonb_build_object(
      'window', jsonb_build_object('from', inc.window_from, 'to', inc.window_to),
      'affected', (SELECT affected FROM hits),
      'stale', (SELECT stale FROM hits),
      'settlements', (SELECT count(*) FROM sett),
      'payments', (SELECT count(*) FROM pay),
      'tokens', (SELECT COALESCE(jsonb_agg(jsonb_build_object('token', token, 'payments', n, 'total', total::text,
                        'allocated', allocated::text) ORDER BY token), '[]'::jsonb)
                   FROM (SELECT token, count(*) AS n, sum(value) AS total, sum(allocated) AS allocated FROM pay GROUP BY token) t),
      'actions', (SELECT count(*) FROM act WHERE known),
      'actionsByDepth', (SELECT COALESCE(jsonb_object_agg(depth, n ORDER BY depth), '{}'::jsonb)
                           FROM (SELECT depth, count(*) AS n FROM act WHERE known GROUP BY depth) d),
      'maxDepth', (SELECT COALESCE(max(depth), 0) FROM act WHERE known),
      'unknownActions', (SELECT count(*) FROM act WHERE NOT known),
      'unknownActionsByDepth', (SELECT COALESCE(jsonb_object_agg(depth, n ORDER BY depth), '{}'::jsonb)
                                  FROM (SELECT depth, count(*) AS n FROM act WHERE NOT known GROUP BY depth) d),
      'unknownAgents', (SELECT count(DISTINCT agent) FROM act WHERE NOT known),
      'depthCapped', (SELECT EXISTS (SELECT 1 FROM walk WHERE depth >= ${BLAST_MAX_DEPTH})),
      'series', (SELECT COALESCE(jsonb_agg(jsonb_build_array((extract(epoch FROM hour) * 1000)::bigint, affected, stale, actions, unknown)
                        ORDER BY hour), '[]'::jsonb) FROM series)
    ), jsonb_build_object(
      'affected', (SELECT affected_ids FROM hits),
      'stale', (SELECT stale_ids FROM hits),
      'settlements', (SELECT COALESCE(string_agg(id::text, ',' ORDER BY id), '') FROM sett),
      'payments', (SELECT COALESCE(string_agg(id::text || ':' || allocated::text, ',' ORDER BY occurred_at, id), '') FROM pay),
      'actions', (SELECT COALESCE(string_agg(id::text || ':' || depth, ',' ORDER BY depth, occurred_at, id), '') FROM act WHERE known),
      'unknownActions', (SELECT COALESCE(string_agg(id::text || ':' || depth, ',' ORDER BY depth, occurred_at, id), '') FROM act WHERE NOT known)
    )
    FROM inc
  RETURNING id, computed_at, summary`;

export interface BlastRadiusSummary {
  window: { from: string; to: string | null };
  affected: number;
  stale: number;
  settlements: number;
  payments: number;
  tokens: { token: string; payments: number; total: string; allocated: string }[];
  /** Actions of known agents: the headline. */
  actions: number;
  actionsByDepth: Record<string, number>;
  maxDepth: number;
  /** Actions of unknown agents, apart (absent from computations made before trust tiers). */
  unknownActions?: number;
  unknownActionsByDepth?: Record<string, number>;
  /** How many distinct unknown agents acted. */
  unknownAgents?: number;
  depthCapped: boolean;
  /** [hour (unix ms), affected, stale, known agents' actions, unknown agents' actions?] */
  series: BlastSeriesPoint[];
}

export interface StoredBlastRadius {
  id: string;
  computedAt: string;
  summary: BlastRadiusSummary;
}

/**
 * Computes an incident's blast radius and stores it, in the caller's transaction when given
 * (SET LOCAL needs one), else in its own.
 */
export async function computeBlastRadius(
  incidentId: string,
  db?: pg.ClientBase,
): Promise<StoredBlastRadius> {
  if (!db) return withTransaction((client) => computeBlastRadius(incidentId, client));
  // Note: the hashes over a large incident's rows spill to disk at the default 4 MB.
  await db.query("SET LOCAL work_mem = '64MB'");
  const { rows } = await db.query<{ id: string; computed_at: Date; summary: BlastRadiusSummary }>(
    COMPUTE,
    [incidentId],
  );
  const row = rows[0];
  if (!row) throw notFound(`No incident ${incidentId}.`);
  return { id: row.id, computedAt: row.computed_at.toISOString(), summary: row.summary };
}

/** Every stored computation of an incident, newest first (summaries only). */
export async function listBlastRadii(incidentId: string): Promise<StoredBlastRadius[]> {
  const { rows } = await getPool().query<{
    id: string;
    computed_at: Date;
    summary: BlastRadiusSummary;
  }>(
    "SELECT id, computed_at, summary FROM blast_radius WHERE incident_id = $1 ORDER BY computed_at DESC, id",
    [incidentId],
  );
  return rows.map((r) => ({
    id: r.id,
    computedAt: r.computed_at.toISOString(),
    summary: r.summary,
  }));
}

export { BLAST_PARTS, type BlastPart } from "@/lib/api/schemas/blast";

/** How two computations differ, per part: ids the newer one added and dropped. */
export async function compareBlastRadii(newerId: string, olderId: string) {
  const { rows } = await getPool().query<{ part: BlastPart; added: number; removed: number }>(
    `WITH parts(part) AS (SELECT unnest($3::text[])),
          ids AS (
            SELECT p.part, b.id AS br,
                   split_part(e, ':', 1) AS item
              FROM parts p JOIN blast_radius b ON b.id IN ($1, $2)
              CROSS JOIN LATERAL unnest(string_to_array(b.result ->> p.part, ',')) e)
     SELECT p.part,
            (SELECT count(*) FROM (SELECT item FROM ids WHERE part = p.part AND br = $1
                                   EXCEPT SELECT item FROM ids WHERE part = p.part AND br = $2) x)::int AS added,
            (SELECT count(*) FROM (SELECT item FROM ids WHERE part = p.part AND br = $2
                                   EXCEPT SELECT item FROM ids WHERE part = p.part AND br = $1) x)::int AS removed
       FROM parts p`,
    [newerId, olderId, BLAST_PARTS],
  );
  return rows;
}

/**
 * The dependency graph for the page: the first `limit` reached inferences that agents acted
 * on, each with its downstream actions (depth, parent), oldest first.
 */
export async function getBlastGraph(blastRadiusId: string, limit = 25) {
  const { rows } = await getPool().query<{
    id: string;
    output_hash: string;
    occurred_at: Date;
    stale: boolean;
    nodes: (Omit<DownstreamNode, "occurredAt"> & { occurredAt: string })[];
  }>(
    `WITH ids AS (
       SELECT e AS id, p.stale FROM blast_radius b
        CROSS JOIN LATERAL (VALUES ('affected', false), ('stale', true)) p(part, stale)
        CROSS JOIN LATERAL unnest(string_to_array(b.result ->> p.part, ',')) e
        WHERE b.id = $1)
     SELECT i.id, i.output_hash, i.occurred_at, ids.stale, ${downstreamJsonSql("i.output_hash")} AS nodes
       FROM ids JOIN inference i ON i.id = ids.id
      WHERE EXISTS (SELECT 1 FROM agent_action_citation c WHERE c.output_hash = i.output_hash)
      ORDER BY i.occurred_at, i.id LIMIT $2`,
    [blastRadiusId, limit],
  );
  return rows.map((r) => ({
    inferenceId: r.id,
    outputHash: r.output_hash,
    occurredAt: r.occurred_at.toISOString(),
    stale: r.stale,
    downstream: toDownstream(r.nodes),
  }));
}
