import "server-only";
import type { Hex } from "viem";
import { invalidField } from "@/lib/api/errors";
import type { AgentActionResult } from "@/lib/api/schemas/agent-actions";
import { getPool } from "@/lib/db/client";
import {
  agentActionDomain,
  NO_TX_HASH,
  type AgentActionMessage,
} from "@/lib/evidence/agent-action";

/**
 * Stores a verified agent action with its citations in one transaction, idempotently by
 * its EIP-712 digest. Cited earlier actions must already be stored (agents report in
 * order); otherwise nothing is written and the answer names the unknown citation.
 */
export async function insertAgentAction(args: {
  chainId: number;
  message: AgentActionMessage;
  signature: Hex;
  digest: Hex;
}): Promise<AgentActionResult> {
  const { chainId, message, signature, digest } = args;
  const client = await getPool().connect();
  try {
    await client.query("BEGIN");
    const existing = await client.query<{ id: string }>(
      "SELECT id FROM agent_action WHERE content_key = $1",
      [digest],
    );
    if (existing.rows[0]) {
      await client.query("COMMIT");
      return { id: existing.rows[0].id, digest, status: "duplicate" };
    }
    const cited = await client.query<{ id: string; content_key: string }>(
      "SELECT id, content_key FROM agent_action WHERE content_key = ANY($1::text[])",
      [message.citedActions],
    );
    const citedIds = new Map(cited.rows.map((r) => [r.content_key, r.id]));
    message.citedActions.forEach((d, i) => {
      if (!citedIds.has(d)) {
        throw invalidField(
          `action.citedActions[${i}]`,
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
       VALUES ($1, $2, $3, $4, $5, to_timestamp($6::double precision), $7, $8, $9)
       ON CONFLICT (content_key) DO NOTHING RETURNING id`,
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
    const id = inserted.rows[0]?.id;
    if (!id) {
      // A concurrent post of the same statement won the race: same outcome as a duplicate.
      await client.query("ROLLBACK");
      const row = await client.query<{ id: string }>(
        "SELECT id FROM agent_action WHERE content_key = $1",
        [digest],
      );
      return { id: row.rows[0]!.id, digest, status: "duplicate" };
    }
    await client.query(
      `INSERT INTO agent_action_citation (action_id, output_hash, cited_action_id)
       SELECT $1::uuid, o, NULL::uuid FROM unnest($2::text[]) AS o
       UNION ALL SELECT $1::uuid, NULL, a::uuid FROM unnest($3::text[]) AS a`,
      [id, message.citedOutputs, message.citedActions.map((d) => citedIds.get(d)!)],
    );
    await client.query("COMMIT");
    return { id, digest, status: "created" };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
