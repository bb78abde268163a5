import type pg from "pg";

/** The linker steps that read receipts, and so can set one aside. */
export type ReceiptStep = "verify" | "inferences" | "findings";

/** A receipt a step failed on, alone, with the error it raised. */
export interface Culprit {
  receiptId: string;
  error: string;
  sqlstate?: string;
}

/** A pass's connection, or the pool for the verify step (which runs before the transaction). */
type Queryable = pg.ClientBase | pg.Pool;

/** Errors are kept to this many characters (one may quote a whole value of the row). */
const ERROR_MOST = 2_000;

/** First retry of a receipt set aside (unless it changes first); each failure doubles it. */
const RETRY_FIRST = "1 hour";
const RETRY_MOST = "1 day";

/**
 * The receipts a step may read, as a FROM item: all but those set aside from this step
 * (until they change or their retry time comes) and, while an isolation probe runs, only
 * those in its scope (`pg_temp.linker_scope`, empty outside probes).
 * Note: a plain subquery, so the planner pulls it up; outside probes the cost is one
 * anti-join on the small aside table.
 */
export function linkableReceipts(step: Exclude<ReceiptStep, "verify">): string {
  return `(SELECT * FROM receipt
     WHERE NOT EXISTS (SELECT 1 FROM linker_aside a
                        WHERE a.step = '${step}' AND a.receipt_id = receipt.id AND a.retry_at > now())
       AND (NOT EXISTS (SELECT 1 FROM pg_temp.linker_scope)
            OR receipt.id IN (SELECT s.id FROM pg_temp.linker_scope s)))`;
}

/** Once per pass, on the pass's connection: the probe scope and the receipts that changed. */
export async function prepareIsolation(db: pg.ClientBase): Promise<void> {
  await db.query(
    "CREATE TEMP TABLE IF NOT EXISTS linker_scope (id uuid PRIMARY KEY) ON COMMIT DELETE ROWS",
  );
  // A receipt that changed (or was deleted) since it was set aside is tried again now.
  await db.query(
    `DELETE FROM linker_aside a
      WHERE NOT EXISTS (SELECT 1 FROM receipt r WHERE r.id = a.receipt_id AND md5(r::text) = a.fingerprint)`,
  );
}

/**
 * Sets receipts aside from `step`, with their error and the receipt's fingerprint. One that
 * fails again on its retry keeps its first date and waits twice as long before the next.
 */
export async function setAside(
  db: Queryable,
  step: ReceiptStep,
  culprits: Culprit[],
): Promise<void> {
  if (culprits.length === 0) return;
  await db.query(
    `INSERT INTO linker_aside (step, receipt_id, error, sqlstate, fingerprint, retry_at)
     SELECT $1, r.id, c.error, c.sqlstate, md5(r::text), now() + interval '${RETRY_FIRST}'
       FROM jsonb_to_recordset($2::jsonb) AS c(receipt_id uuid, error text, sqlstate text)
       JOIN receipt r ON r.id = c.receipt_id
     ON CONFLICT (step, receipt_id) DO UPDATE SET error = EXCLUDED.error, sqlstate = EXCLUDED.sqlstate,
            fingerprint = EXCLUDED.fingerprint, attempts = linker_aside.attempts + 1,
            retry_at = now() + least(interval '${RETRY_FIRST}' * power(2, linker_aside.attempts), interval '${RETRY_MOST}')`,
    [
      step,
      JSON.stringify(
        culprits.map((c) => ({
          receipt_id: c.receiptId,
          // Note: PostgreSQL text cannot hold NUL, and an error may quote the row's bytes.
          error: c.error.replaceAll("\u0000", "\\0").slice(0, ERROR_MOST),
          sqlstate: c.sqlstate ?? null,
        })),
      ),
    ],
  );
}

/** After `step` ran with the receipts whose retry time had come: those went through. */
export async function releaseRetried(
  db: Queryable,
  step: ReceiptStep,
  receiptIds?: string[],
): Promise<void> {
  if (receiptIds) {
    if (receiptIds.length === 0) return;
    await db.query("DELETE FROM linker_aside WHERE step = $1 AND receipt_id = ANY($2::uuid[])", [
      step,
      receiptIds,
    ]);
    return;
  }
  await db.query("DELETE FROM linker_aside WHERE step = $1 AND retry_at <= now()", [step]);
}
