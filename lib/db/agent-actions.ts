import "server-only";
import type { PoolClient } from "pg";
import { invalidField } from "@/lib/api/errors";
import type { VerifiedStatement } from "@/lib/api/agent-actions";
import type { AgentActionResult } from "@/lib/api/schemas/agent-actions";
import { getPool } from "@/lib/db/client";
import { agentActionDomain, NO_TX_HASH } from "@/lib/evidence/agent-action";

/**
 * Stores verified agent actions with their citations, in order and in one transaction:
 * all or nothing. Idempotent by EIP-712 digest. An action may cite actions stored earlier
 * or earlier in the same list; citing one never posted writes nothing and answers 422
 * naming it (`where(i)` says how to name item i in the message).
 */
export async function insertAgentActions(
  actions: VerifiedStatement[],
  where: (index: number) => string = () => "action",
): Promise<AgentActionResult[]> {
  const client = await getPool().connect();
  try {
    await client.query("BEGIN");
    // Note: one lock for all writers of actions, so two posts of the same statement
    // cannot race between the existence check and the insert.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('agent_action'))");
    const results: AgentActionResult[] = [];
    for (const [index, action] of actions.entries()) {
      results.push(await insertOne(client, action, where(index)));
    }
    await client.query("COMMIT");
    return results;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

async function insertOne(
  client: PoolClient,
  { chainId, message, signature, digest }: VerifiedStatement,
  path: string,
): Promise<AgentActionResult> {
  const existing = await client.query<{ id: string }>(
    "SELECT id FROM agent_action WHERE content_key = $1",
    [digest],
  );
  if (existing.rows[0]) return { id: existing.rows[0].id, digest, status: "duplicate" };
  const cited = await client.query<{ id: string; content_key: string }>(
    "SELECT id, content_key FROM agent_action WHERE content_key = ANY($1::text[])",
    [message.citedActions],
  );
  const citedIds = new Map(cited.rows.map((r) => [r.content_key, r.id]));
  message.citedActions.forEach((d, i) => {
    if (!citedIds.has(d)) {
      throw invalidField(
        `${path}.citedActions[${i}]`,
        `no action with digest ${d} has been posted`,
      );
    }
  });
  const statement = {
    domain: agentActionDomain(chainId),
    primaryType: "AgentAction",
    message: { ...message, occurredAt: message.occurredAt.toString() },
  };
  const inserted = await client.query<{ id: string }>(
    `INSERT INTO agent_action (agent, chain_id, kind, summary, tx_hash, occurred_at, statement, signature, content_key)
     VALUES ($1, $2, $3, $4, $5, to_timestamp($6::double precision), $7, $8, $9) RETURNING id`,
    [
      message.agent,
      chainId,
      message.kind,
      message.summary,
      message.txHash === NO_TX_HASH ? null : message.txHash,
      Number(message.occurredAt),
      statement,
      signature,
      digest,
    ],
  );
  const id = inserted.rows[0]!.id;
  await client.query(
    `INSERT INTO agent_action_citation (action_id, output_hash, cited_action_id)
     SELECT $1::uuid, o, NULL::uuid FROM unnest($2::text[]) AS o
     UNION ALL SELECT $1::uuid, NULL, a::uuid FROM unnest($3::text[]) AS a`,
    [id, message.citedOutputs, message.citedActions.map((d) => citedIds.get(d)!)],
  );
  return { id, digest, status: "created" };
}
