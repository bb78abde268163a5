import "server-only";
import type pg from "pg";
import { ApiError, notFound } from "@/lib/api/errors";
import type { AgentChange, KnownAgent } from "@/lib/api/schemas/agents";
import { recordAudit } from "@/lib/db/audit";
import { getPool } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/transaction";

const SELECT = `
  SELECT k.address, k.label, k.origin, k.added_by, k.added_at, k.retired_at, k.retired_by,
         (SELECT count(*)::int FROM agent_action a WHERE a.agent = k.address) AS actions
    FROM known_agent k`;

interface Row {
  address: string;
  label: string;
  origin: "config" | "admin";
  added_by: string;
  added_at: Date;
  retired_at: Date | null;
  retired_by: string | null;
  actions: number;
}

const toAgent = (r: Row): KnownAgent => ({
  address: r.address,
  label: r.label,
  origin: r.origin,
  status: r.retired_at ? "retired" : "known",
  addedBy: r.added_by,
  addedAt: r.added_at.toISOString(),
  retiredAt: r.retired_at?.toISOString() ?? null,
  retiredBy: r.retired_by,
  actions: r.actions,
});

/** The agent registry: known agents first, then retired ones, each by label. */
export async function listKnownAgents(): Promise<KnownAgent[]> {
  const { rows } = await getPool().query<Row>(
    `${SELECT} ORDER BY k.retired_at IS NOT NULL, lower(k.label), k.address`,
  );
  return rows.map(toAgent);
}

async function readAgent(client: pg.ClientBase, address: string): Promise<KnownAgent> {
  const { rows } = await client.query<Row>(`${SELECT} WHERE k.address = $1`, [address]);
  return toAgent(rows[0]!);
}

/**
 * An admin makes an address a known agent with a label, with its audit event, in one
 * transaction. 409 when it is already in the registry (relabel or reinstate it instead).
 */
export async function addKnownAgentOrThrow(args: {
  actor: string;
  address: string;
  label: string;
}): Promise<KnownAgent> {
  return withTransaction(
    async (client) => {
      const inserted = await client.query(
        `INSERT INTO known_agent (address, label, origin, added_by) VALUES ($1, $2, 'admin', $3)
         ON CONFLICT (address) DO NOTHING`,
        [args.address, args.label, args.actor],
      );
      if (inserted.rowCount === 0) {
        const existing = await readAgent(client, args.address);
        throw new ApiError(
          409,
          "already_registered",
          existing.status === "retired"
            ? `${args.address} is in the registry as "${existing.label}", retired; reinstate it instead. Nothing was written.`
            : `${args.address} is already a known agent ("${existing.label}"); relabel it instead. Nothing was written.`,
        );
      }
      await recordAudit(client, {
        actor: args.actor,
        action: "agent.add",
        subjectType: "agent",
        subjectId: args.address,
        payload: { address: args.address, label: args.label },
      });
      return readAgent(client, args.address);
    },
    { kind: "agent.add" },
  );
}

/**
 * An admin relabels, retires or reinstates a known agent, with its audit event, in one
 * transaction. 404 for an address not in the registry; 409 for retiring a retired agent or
 * reinstating a known one.
 */
export async function changeKnownAgentOrThrow(args: {
  actor: string;
  address: string;
  change: AgentChange;
}): Promise<KnownAgent> {
  const { actor, address, change } = args;
  return withTransaction(
    async (client) => {
      const { rows } = await client.query<{ label: string; retired_at: Date | null }>(
        "SELECT label, retired_at FROM known_agent WHERE address = $1 FOR UPDATE",
        [address],
      );
      const before = rows[0];
      if (!before) {
        throw notFound(
          `${address} is not in the agent registry; add it first (POST /api/v1/agents). Nothing was written.`,
        );
      }
      const retired = before.retired_at !== null;
      let payload: Record<string, string>;
      if (change.action === "relabel") {
        await client.query("UPDATE known_agent SET label = $2 WHERE address = $1", [
          address,
          change.label,
        ]);
        payload = { address, from: before.label, to: change.label };
      } else {
        if ((change.action === "retire") === retired) {
          throw new ApiError(
            409,
            "agent_state",
            `${address} ("${before.label}") is already ${retired ? "retired" : "known"}. Nothing was written.`,
          );
        }
        await client.query(
          change.action === "retire"
            ? "UPDATE known_agent SET retired_at = now(), retired_by = $2 WHERE address = $1"
            : "UPDATE known_agent SET retired_at = NULL, retired_by = NULL WHERE address = $1",
          change.action === "retire" ? [address, actor] : [address],
        );
        payload = { address, label: before.label };
      }
      await recordAudit(client, {
        actor,
        action: `agent.${change.action}`,
        subjectType: "agent",
        subjectId: address,
        payload,
      });
      return readAgent(client, address);
    },
    { kind: `agent.${change.action}` },
  );
}
