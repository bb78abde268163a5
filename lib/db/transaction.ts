import "server-only";
import type pg from "pg";
import { getPool } from "@/lib/db/client";

/** The NOTIFY channel open pages listen on (the indexer's, reused for operator writes). */
const LIVE_CHANNEL = "provenance_indexer";

/**
 * Runs `fn` in one transaction on a pooled connection: everything it writes (the action
 * and its audit event) commits together or not at all. `notify` tells open pages to refresh
 * once the transaction commits (NOTIFY is delivered at commit).
 */
export async function withTransaction<T>(
  fn: (client: pg.PoolClient) => Promise<T>,
  notify?: { kind: string; [key: string]: unknown },
): Promise<T> {
  const client = await getPool().connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    if (notify) {
      await client.query("SELECT pg_notify($1, $2)", [LIVE_CHANNEL, JSON.stringify(notify)]);
    }
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
