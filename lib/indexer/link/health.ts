import type pg from "pg";
import type { StepFailure } from "./isolate";

/** The one linker this database has (a per-linker row leaves room for more). */
const LINKER_ID = "linker";

/**
 * Records a pass that ran every step (`failures` empty) or ran with steps that failed as a
 * whole. Runs inside the pass's transaction, so it commits with the pass.
 */
export async function recordPass(
  db: pg.ClientBase,
  pass: { durationMs: number; failures: StepFailure[] },
): Promise<void> {
  const error = pass.failures.length
    ? pass.failures.map((f) => `Step ${f.step} failed: ${f.error}`).join("; ")
    : null;
  await db.query(
    `INSERT INTO linker_health AS h (id, last_pass_at, last_success_at, last_duration_ms, last_error, last_error_at,
                                     consecutive_failures, updated_at)
     VALUES ($1, now(), CASE WHEN $3::text IS NULL THEN now() END, $2, $3, CASE WHEN $3::text IS NOT NULL THEN now() END,
             CASE WHEN $3::text IS NULL THEN 0 ELSE 1 END, now())
     ON CONFLICT (id) DO UPDATE SET last_pass_at = now(), last_duration_ms = $2, updated_at = now(),
            last_success_at = CASE WHEN $3::text IS NULL THEN now() ELSE h.last_success_at END,
            last_error = COALESCE($3, h.last_error),
            last_error_at = CASE WHEN $3::text IS NULL THEN h.last_error_at ELSE now() END,
            consecutive_failures = CASE WHEN $3::text IS NULL THEN 0 ELSE h.consecutive_failures + 1 END`,
    [LINKER_ID, pass.durationMs, error],
  );
}

/** Records a pass that failed as a whole (rolled back: the database went away, a bug). */
export async function recordPassFailure(pool: pg.Pool, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await pool.query(
    `INSERT INTO linker_health AS h (id, last_pass_at, last_error, last_error_at, consecutive_failures, updated_at)
     VALUES ($1, now(), $2, now(), 1, now())
     ON CONFLICT (id) DO UPDATE SET last_pass_at = now(), last_error = $2, last_error_at = now(),
            consecutive_failures = h.consecutive_failures + 1, updated_at = now()`,
    [LINKER_ID, `The pass failed: ${message}`.replaceAll("\u0000", "\\0")],
  );
}
