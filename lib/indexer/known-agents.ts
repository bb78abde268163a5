import type pg from "pg";
import type { ConfigAgent } from "@/lib/chain/source-config";
import { log } from "@/lib/log";

/**
 * Adds the agents the sources config lists to the agent registry (origin "config"). The config
 * only adds: an address already in the registry keeps the label and status it has there, so an
 * admin's relabel or retirement is never undone by a restart. Returns how many were added.
 */
export async function syncConfigAgents(
  db: pg.Pool | pg.ClientBase,
  agents: readonly ConfigAgent[],
): Promise<number> {
  if (agents.length === 0) return 0;
  const { rowCount } = await db.query(
    `INSERT INTO known_agent (address, label, origin, added_by)
     SELECT lower(a.address), a.label, 'config', 'config'
       FROM jsonb_to_recordset($1::jsonb) AS a(address text, label text)
     ON CONFLICT (address) DO NOTHING`,
    [JSON.stringify(agents)],
  );
  if (rowCount) log.info({ added: rowCount }, "Known agents added from the sources config");
  return rowCount ?? 0;
}
