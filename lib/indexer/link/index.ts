import type pg from "pg";
import { log } from "@/lib/log";
import { INDEXER_CHANNEL } from "../write";
import { linkDeployments, linkRuntimes } from "./deployments";
import { reconcileFindings } from "./findings";
import { linkFindingsToIncidents, proposeIncidents } from "./incidents";
import { linkInferences } from "./inferences";
import { linkPayments } from "./payments";
import { verifyReceipts } from "./verify-receipts";

/** Serialises linker passes across processes (an app and a CLI indexing the same database). */
const LINKER_LOCK = 0x70726f76; // "prov"

/**
 * One linker pass, in one transaction: verify pending receipts, then runtime images, models,
 * versions and inferences, settlement and payment links, deployments, findings, incidents
 * proposed from revocations (and findings linked to incidents). Every step is
 * idempotent, so a pass after any commit or reorg converges; agent actions need no pass (their
 * citations are joined by output hash when read).
 */
export async function runLinker(
  pool: pg.Pool,
): Promise<{ verified: number; payments: number; findings: number; ms: number }> {
  const began = Date.now();
  const verified = await verifyReceipts(pool);
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [LINKER_LOCK]);
    await linkRuntimes(client);
    await linkInferences(client);
    const payments = await linkPayments(client);
    await linkDeployments(client);
    const { open } = await reconcileFindings(client);
    await proposeIncidents(client);
    await linkFindingsToIncidents(client, { onlyUnlinked: true });
    await client.query("SELECT pg_notify($1, $2)", [
      INDEXER_CHANNEL,
      JSON.stringify({ kind: "link", findings: open }),
    ]);
    await client.query("COMMIT");
    const ms = Date.now() - began;
    log.debug({ verified, payments, findings: open, duration_ms: ms }, "Linker pass done");
    return { verified, payments, findings: open, ms };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
