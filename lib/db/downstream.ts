import "server-only";
import type { DownstreamNode } from "@/lib/api/schemas/inferences";
import { getPool } from "@/lib/db/client";

/** How far and how wide the downstream graph is read; the page collapses beyond level 2. */
export const DOWNSTREAM_MAX_DEPTH = 12;
export const DOWNSTREAM_MAX_NODES = 500;

/**
 * Agent actions that depended on an output, at any depth: depth 1 cites the output, depth
 * n cites an action at depth n-1. Each action appears once, at its shallowest depth (the
 * citation graph is a DAG, but an action may cite several earlier ones).
 */
export async function loadDownstream(
  outputHash: string,
): Promise<{ nodes: DownstreamNode[]; truncated: boolean }> {
  const { rows } = await getPool().query<{
    id: string;
    parent_id: string | null;
    depth: number;
    agent: string;
    chain_id: number;
    kind: string;
    summary: string;
    tx_hash: string | null;
    occurred_at: Date;
  }>(
    `WITH RECURSIVE walk(id, parent_id, depth) AS (
       SELECT c.action_id, NULL::uuid, 1 FROM agent_action_citation c WHERE c.output_hash = $1
       UNION
       SELECT c.action_id, w.id, w.depth + 1
         FROM walk w JOIN agent_action_citation c ON c.cited_action_id = w.id
        WHERE w.depth < $2
     ), shallowest AS (
       SELECT DISTINCT ON (id) id, parent_id, depth FROM walk ORDER BY id, depth, parent_id
     )
     SELECT a.id, s.parent_id, s.depth, a.agent, a.chain_id, a.kind::text, a.summary, a.tx_hash, a.occurred_at
       FROM shallowest s JOIN agent_action a ON a.id = s.id
      ORDER BY s.depth, a.occurred_at, a.id
      LIMIT $3`,
    [outputHash, DOWNSTREAM_MAX_DEPTH, DOWNSTREAM_MAX_NODES + 1],
  );
  return {
    truncated:
      rows.length > DOWNSTREAM_MAX_NODES || rows.some((r) => r.depth >= DOWNSTREAM_MAX_DEPTH),
    nodes: rows.slice(0, DOWNSTREAM_MAX_NODES).map((r) => ({
      id: r.id,
      parentId: r.parent_id,
      depth: r.depth,
      agent: r.agent,
      chainId: r.chain_id,
      kind: r.kind,
      summary: r.summary,
      txHash: r.tx_hash,
      occurredAt: r.occurred_at.toISOString(),
    })),
  };
}
