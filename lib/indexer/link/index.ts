import type pg from "pg";
import { log } from "@/lib/log";
import { INDEXER_CHANNEL } from "../write";
import { linkDeployments, linkRuntimes } from "./deployments";
import { prepareIsolation } from "./aside";
import { reconcileFindings } from "./findings";
import { recordPass, recordPassFailure } from "./health";
import { linkFindingsToIncidents, proposeIncidents } from "./incidents";
import { linkInferences } from "./inferences";
import { runStep, type LinkStep, type StepFailure } from "./isolate";
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
 *
 * No single row can fail a pass: each step runs in a savepoint, receipts a step cannot process
 * are set aside (findings of kind `unprocessable_evidence`) and the step runs without them, and
 * a step that still fails is rolled back alone while the others go on (see ./isolate). The
 * outcome, and a pass that fails as a whole, is recorded in `linker_health` for the status.
 */
export async function runLinker(pool: pg.Pool): Promise<{
  verified: number;
  payments: number;
  findings: number;
  setAside: number;
  failedSteps: string[];
  ms: number;
}> {
  const began = Date.now();
  try {
    const verified = await verifyReceipts(pool);
    const result = await linkInTransaction(pool, began);
    log.debug({ verified, ...result }, "Linker pass done");
    return { verified, ...result };
  } catch (error) {
    await recordPassFailure(pool, error).catch((recordError: Error) =>
      log.warn({ error: recordError.message }, "Could not record the failed linker pass"),
    );
    throw error;
  }
}

async function linkInTransaction(pool: pg.Pool, began: number) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1)", [LINKER_LOCK]);
    await prepareIsolation(client);
    const failures: StepFailure[] = [];
    let setAside = 0;
    const step = async <T>(s: LinkStep<T>) => {
      const outcome = await runStep(client, s, failures);
      setAside += outcome.setAside;
      return outcome.value;
    };
    await step({ name: "runtimes", run: linkRuntimes });
    await step({ name: "inferences", receipts: "inferences", run: linkInferences });
    const payments = (await step({ name: "payments", run: linkPayments })) ?? 0;
    await step({ name: "deployments", run: linkDeployments });
    const findings = await step({ name: "findings", receipts: "findings", run: reconcileFindings });
    await step({
      name: "incidents",
      run: async (db) => {
        await proposeIncidents(db);
        await linkFindingsToIncidents(db, { onlyUnlinked: true });
      },
    });
    const ms = Date.now() - began;
    await recordPass(client, { durationMs: ms, failures });
    await client.query("SELECT pg_notify($1, $2)", [
      INDEXER_CHANNEL,
      JSON.stringify({ kind: "link", findings: findings?.open ?? null }),
    ]);
    await client.query("COMMIT");
    const failedSteps = failures.map((f) => f.step);
    return { payments, findings: findings?.open ?? 0, setAside, failedSteps, ms };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
