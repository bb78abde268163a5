import type pg from "pg";
import { allocate, type AllocationMethod } from "./allocate";
import {
  loadCandidatePayments,
  loadLinkedPayments,
  loadPendingSessions,
  releaseOrphanedPayments,
  SETTLE_WINDOW_MS,
  type PaymentRow,
  type PendingSession,
} from "./payment-sessions";

type RevisionReason = "payment_linked" | "receipt_joined" | "payment_restored" | "reallocated";

interface Revision {
  payment: PaymentRow;
  sessionId: string;
  revision: number;
  reason: RevisionReason;
  method: AllocationMethod;
  allocations: { inferenceId: string; amount: bigint }[];
  /** Inferences the payment covered before and no longer does. */
  dropped: string[];
}

/**
 * Payments ↔ inferences through x402 upto sessions. A session (`X-Upto-Session`) settles
 * once, after its last request, from its payer: a session with no payment yet takes the
 * payer's earliest unlinked live payment within the settle window after its last request
 * (sessions in order of their last request). Once linked, the payment stays the session's:
 * - a receipt posted later whose request came before the payment joins it, and the session's
 *   allocations are recomputed as a new revision (the old ones stay in `allocation_revision`);
 * - a receipt timestamped after the payment is not covered by it: an upto session takes no
 *   new cost once it is settling (OpenGradient/x402 `SessionStore.add_cost`), so it is left
 *   unpaid and shows as a `receipt_after_settlement` finding. It does not move the link: one
 *   late (or forged) receipt must not take a payment away from the requests it paid for.
 * Only sessions with a request not yet placed are read (see payment-sessions.ts), so a pass
 * costs what changed. Answers how many payments got a new allocation revision.
 */
export async function linkPayments(db: pg.ClientBase): Promise<number> {
  await releaseOrphanedPayments(db);
  const sessions = await loadPendingSessions(db);
  if (sessions.length === 0) return 0;
  const { payments: linked, covered } = await loadLinkedPayments(db, [
    ...new Set(sessions.map((s) => s.sessionId)),
  ]);
  const linkedTo = (s: PendingSession) =>
    linked.find((p) => p.sessionId === s.sessionId && p.from === s.payer);
  const revisions: Revision[] = [];
  const checked: string[] = [];
  const unlinked: PendingSession[] = [];
  for (const s of sessions) {
    const payment = linkedTo(s);
    if (!payment) {
      unlinked.push(s);
      continue;
    }
    checked.push(...s.members.filter((m) => m.pending).map((m) => m.id));
    const revision = revise(s, payment, covered.get(payment.id)!);
    if (revision) revisions.push(revision);
  }
  const candidates = await loadCandidatePayments(db, unlinked);
  const taken = new Set<string>();
  for (const s of unlinked) {
    const start = s.lastAt.getTime();
    const payment = candidates.find(
      (p) =>
        !taken.has(p.id) &&
        p.from === s.payer &&
        p.occurredAt.getTime() >= start &&
        p.occurredAt.getTime() <= start + SETTLE_WINDOW_MS,
    );
    if (!payment) continue; // stays pending: its payment may not be indexed yet
    taken.add(payment.id);
    checked.push(...s.members.map((m) => m.id));
    const { method, allocations } = allocate(payment.value, members(s.members));
    const reason = payment.revision > 0 ? "payment_restored" : "payment_linked";
    revisions.push({
      payment,
      sessionId: s.sessionId,
      revision: payment.revision + 1,
      reason,
      method,
      allocations,
      dropped: [],
    });
  }
  await writeRevisions(db, revisions);
  if (checked.length > 0) {
    await db.query(`UPDATE inference SET payment_checked_at = now() WHERE id = ANY($1::text[])`, [
      checked,
    ]);
  }
  return revisions.length;
}

/** A new revision for a linked payment whose session changed, or null when nothing did. */
function revise(s: PendingSession, payment: PaymentRow, covered: Set<string>): Revision | null {
  const eligible = s.members.filter((m) => m.occurredAt.getTime() <= payment.occurredAt.getTime());
  if (eligible.length === 0) return null;
  const same = eligible.length === covered.size && eligible.every((m) => covered.has(m.id));
  if (same && payment.allocatedCount === eligible.length) return null;
  const joined = eligible.some((m) => !covered.has(m.id));
  const reason: RevisionReason =
    payment.allocatedCount === 0 ? "payment_restored" : joined ? "receipt_joined" : "reallocated";
  const ids = new Set(eligible.map((m) => m.id));
  const { method, allocations } = allocate(payment.value, members(eligible));
  return {
    payment,
    sessionId: s.sessionId,
    revision: payment.revision + 1,
    reason,
    method,
    allocations,
    dropped: [...covered].filter((id) => !ids.has(id)),
  };
}

function members(list: PendingSession["members"]) {
  return list.map((m) => ({ inferenceId: m.id, amount: m.amount }));
}

/** Links, allocation rows and revision records for every revision of this pass, set-based. */
async function writeRevisions(db: pg.ClientBase, revisions: Revision[]) {
  if (revisions.length === 0) return;
  const json = (rows: unknown[]) => [JSON.stringify(rows)];
  await db.query(
    `UPDATE payment p SET session_id = r.session_id, allocation_revision = r.revision, allocated_count = r.n
       FROM jsonb_to_recordset($1::jsonb) AS r(payment_id uuid, session_id text, revision int, n int)
      WHERE p.id = r.payment_id`,
    json(
      revisions.map((r) => ({
        payment_id: r.payment.id,
        session_id: r.sessionId,
        revision: r.revision,
        n: r.allocations.length,
      })),
    ),
  );
  const dropped = revisions.flatMap((r) =>
    r.dropped.map((inference_id) => ({ payment_id: r.payment.id, inference_id })),
  );
  if (dropped.length > 0) {
    await db.query(
      `DELETE FROM payment_allocation a USING jsonb_to_recordset($1::jsonb) AS d(payment_id uuid, inference_id text)
        WHERE a.payment_id = d.payment_id AND a.inference_id = d.inference_id`,
      json(dropped),
    );
  }
  await db.query(
    `INSERT INTO payment_allocation (payment_id, inference_id, amount, method, revision)
     SELECT a.payment_id, a.inference_id, a.amount, a.method, a.revision
       FROM jsonb_to_recordset($1::jsonb) AS a(payment_id uuid, inference_id text, amount numeric, method text, revision int)
     ON CONFLICT (payment_id, inference_id) DO UPDATE
        SET amount = EXCLUDED.amount, method = EXCLUDED.method, revision = EXCLUDED.revision`,
    json(
      revisions.flatMap((r) =>
        r.allocations.map((a) => ({
          payment_id: r.payment.id,
          inference_id: a.inferenceId,
          amount: a.amount.toString(),
          method: r.method,
          revision: r.revision,
        })),
      ),
    ),
  );
  await db.query(
    `INSERT INTO allocation_revision (payment_id, revision, reason, method, inference_count, allocations)
     SELECT r.payment_id, r.revision, r.reason, r.method, jsonb_array_length(r.allocations), r.allocations
       FROM jsonb_to_recordset($1::jsonb) AS r(payment_id uuid, revision int, reason text, method text, allocations jsonb)`,
    json(
      revisions.map((r) => ({
        payment_id: r.payment.id,
        revision: r.revision,
        reason: r.reason,
        method: r.method,
        allocations: r.allocations.map((a) => ({
          inferenceId: a.inferenceId,
          amount: a.amount.toString(),
        })),
      })),
    ),
  );
}
