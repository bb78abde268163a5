import type pg from "pg";
import { log } from "@/lib/log";
import {
  linkableReceipts,
  releaseRetried,
  setAside,
  type Culprit,
  type ReceiptStep,
} from "./aside";

/** One step of a linker pass; `receipts` names the step when it reads receipts. */
export interface LinkStep<T> {
  name: string;
  receipts?: Exclude<ReceiptStep, "verify">;
  run(db: pg.ClientBase): Promise<T>;
}

/** A step that failed as a whole this pass: its work is rolled back, the pass goes on. */
export interface StepFailure {
  step: string;
  error: string;
}

/** Rounds of "find the culprits, set them aside, run again" before a step is given up. */
const MAX_ROUNDS = 5;
/** Matches no receipt: a probe of "no receipts at all" still has a scope. */
const NO_RECEIPT = "00000000-0000-0000-0000-000000000000";

/**
 * Runs one step in a savepoint, set-based as always. When it fails on the data (an SQLSTATE
 * of class 21, 22, 23 or 54: a value that cannot be decoded, converted or stored) and the
 * step reads receipts, the receipts that make it fail are found by probing subsets
 * (rolled-back runs), set aside with their error, and the step runs again without them.
 * A step that still fails, or fails for another reason, is reported in `failures` and rolled
 * back alone: the other steps of the pass go on. Returns the step's value, or undefined.
 */
export async function runStep<T>(
  db: pg.ClientBase,
  step: LinkStep<T>,
  failures: StepFailure[],
): Promise<{ value?: T; setAside: number }> {
  let setAsideCount = 0;
  for (let round = 0; ; round++) {
    const attempt = await inSavepoint(db, () => step.run(db), "keep");
    if (attempt.ok) {
      if (step.receipts) await releaseRetried(db, step.receipts);
      return { value: attempt.value, setAside: setAsideCount };
    }
    const culprits =
      step.receipts && isDataError(attempt.error) && round < MAX_ROUNDS
        ? await findCulprits(db, step, attempt.error)
        : undefined;
    if (!culprits?.length) {
      const error = describe(attempt.error);
      log.error({ step: step.name, error }, "Linker step failed; the pass goes on without it");
      failures.push({ step: step.name, error });
      return { setAside: setAsideCount };
    }
    await setAside(db, step.receipts!, culprits);
    setAsideCount += culprits.length;
    log.warn(
      { step: step.name, receipts: culprits.map((c) => c.receiptId), error: culprits[0]!.error },
      "Linker set receipts aside",
    );
  }
}

/**
 * The receipts the step fails on. Halves are probed, recursively, so a few bad rows among
 * many cost a few dozen probes; a failure that needs two rows together (both halves pass)
 * is pinned to the later row by the shortest failing prefix. Undefined when the step fails
 * even with no receipt at all: then it is not a receipt's doing.
 */
async function findCulprits<T>(
  db: pg.ClientBase,
  step: LinkStep<T>,
  error: unknown,
): Promise<Culprit[] | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM ${linkableReceipts(step.receipts!)} r ORDER BY received_at, id`,
  );
  const probe = (ids: string[]) =>
    inSavepoint(db, async () => {
      await db.query("INSERT INTO pg_temp.linker_scope SELECT unnest($1::uuid[])", [
        [NO_RECEIPT, ...ids],
      ]);
      await step.run(db);
    });
  if (rows.length === 0 || !(await probe([])).ok) return undefined;

  const search = async (ids: string[], failed: unknown): Promise<Culprit[]> => {
    if (ids.length === 1) return [culprit(ids[0]!, failed)];
    const half = Math.ceil(ids.length / 2);
    const parts = [ids.slice(0, half), ids.slice(half)];
    const found: Culprit[] = [];
    let anyFailed = false;
    for (const part of parts) {
      const attempt = await probe(part);
      if (attempt.ok) continue;
      anyFailed = true;
      found.push(...(await search(part, attempt.error)));
    }
    return anyFailed ? found : shortestFailingPrefix(ids);
  };
  const shortestFailingPrefix = async (ids: string[]): Promise<Culprit[]> => {
    // Both halves pass: confirm the whole still fails (else nothing here is to blame).
    const whole = await probe(ids);
    if (whole.ok) return [];
    let [ok, bad, badError] = [0, ids.length, whole.error];
    while (bad - ok > 1) {
      const mid = Math.floor((ok + bad) / 2);
      const attempt = await probe(ids.slice(0, mid));
      if (attempt.ok) ok = mid;
      else [bad, badError] = [mid, attempt.error];
    }
    return [culprit(ids[bad - 1]!, badError, "together with an earlier receipt")];
  };
  return search(
    rows.map((r) => r.id),
    error,
  );
}

type Attempt<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs `fn` in a savepoint; "keep" releases it on success, otherwise it is always rolled back. */
async function inSavepoint<T>(
  db: pg.ClientBase,
  fn: () => Promise<T>,
  onSuccess: "keep" | "discard" = "discard",
): Promise<Attempt<T>> {
  await db.query("SAVEPOINT link_step");
  try {
    const value = await fn();
    if (onSuccess === "discard") await db.query("ROLLBACK TO SAVEPOINT link_step");
    await db.query("RELEASE SAVEPOINT link_step");
    return { ok: true, value };
  } catch (error) {
    await db.query("ROLLBACK TO SAVEPOINT link_step");
    await db.query("RELEASE SAVEPOINT link_step");
    return { ok: false, error };
  }
}

/** Errors a row's data can cause (PostgreSQL error classes), as opposed to a bug or an outage. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && ["21", "22", "23", "54"].includes(code.slice(0, 2));
}

function culprit(receiptId: string, error: unknown, note?: string): Culprit {
  const code = (error as { code?: unknown }).code;
  return {
    receiptId,
    error: note ? `${describe(error)} (${note})` : describe(error),
    sqlstate: typeof code === "string" ? code : undefined,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
