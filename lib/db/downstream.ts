import "server-only";
import type { DownstreamNode } from "@/lib/api/schemas/inferences";

/** How far and how wide the downstream graph is read; the page collapses beyond level 2. */
export const DOWNSTREAM_MAX_DEPTH = 12;
export const DOWNSTREAM_MAX_NODES = 500;

/**
 * Agent actions that depended on an output, at any depth, as a JSON array expression over
 * `outputHash` (a column or parameter) so the provenance card reads it in the same
 * statement: depth 1 cites the output, depth n cites an action at depth n-1. Each action
 * appears once, at its shallowest depth (an action may cite several earlier ones). Capped
 * at MAX_NODES + 1 rows. Each node says whether its agent is known (in the agent registry, not
 * retired) or unknown, so pages can set unknown agents apart.
 */
export const downstreamJsonSql = (outputHash: string) => `
  (WITH RECURSIVE walk(id, parent_id, depth) AS (
     SELECT c.action_id, NULL::uuid, 1 FROM agent_action_citation c WHERE c.output_hash = ${outputHash}
     UNION
     SELECT c.action_id, w.id, w.depth + 1
       FROM walk w JOIN agent_action_citation c ON c.cited_action_id = w.id
      WHERE w.depth < ${DOWNSTREAM_MAX_DEPTH}
   ), shallowest AS (
     SELECT DISTINCT ON (id) id, parent_id, depth FROM walk ORDER BY id, depth, parent_id
   )
   SELECT COALESCE(json_agg(n ORDER BY n.depth, n."occurredAt", n.id), '[]') FROM (
     SELECT a.id, s.parent_id AS "parentId", s.depth, a.agent, a.chain_id AS "chainId", a.kind::text AS kind,
            a.summary, a.tx_hash AS "txHash", a.occurred_at AS "occurredAt",
            CASE WHEN k.address IS NULL THEN 'unknown' ELSE 'known' END AS "agentTrust", k.label AS "agentLabel"
       FROM shallowest s JOIN agent_action a ON a.id = s.id
       LEFT JOIN known_agent k ON k.address = a.agent AND k.retired_at IS NULL
      ORDER BY s.depth, a.occurred_at, a.id LIMIT ${DOWNSTREAM_MAX_NODES + 1}) n)`;

/** The JSON rows of downstreamJsonSql as the API's nodes, and whether the caps cut it. */
export function toDownstream(
  nodes: (Omit<DownstreamNode, "occurredAt"> & { occurredAt: string })[],
) {
  return {
    truncated:
      nodes.length > DOWNSTREAM_MAX_NODES || nodes.some((n) => n.depth >= DOWNSTREAM_MAX_DEPTH),
    nodes: nodes
      .slice(0, DOWNSTREAM_MAX_NODES)
      .map((n) => ({ ...n, occurredAt: new Date(n.occurredAt).toISOString() })),
  };
}
