import type pg from "pg";

/** How long after a session's last request its payment may settle (x402 upto: ~100 s idle). */
export const SETTLE_WINDOW_MS = 60 * 60 * 1000;

/** The predicate of `inference_payment_pending_idx`: a session waiting for the linker. */
const pending = (i: string) =>
  `${i}.payment_checked_at IS NULL AND ${i}.session_id IS NOT NULL AND ${i}.payer IS NOT NULL
   AND ${i}.orphaned_at IS NULL`;

export interface SessionMember {
  id: string;
  occurredAt: Date;
  amount: bigint | null;
  pending: boolean;
}

/** One x402 upto session of one payer, its requests oldest first. */
export interface PendingSession {
  sessionId: string;
  payer: string;
  members: SessionMember[];
  lastAt: Date;
}

export interface PaymentRow {
  id: string;
  sessionId: string | null;
  from: string;
  occurredAt: Date;
  value: bigint;
  revision: number;
  allocatedCount: number;
}

const PAYMENT_COLUMNS = `id, session_id, from_address, occurred_at, value::text, allocation_revision, allocated_count`;

/**
 * A reorg orphaned a payment that held a session: the payment keeps its allocations (the
 * card shows them, orphaned) but no longer covers the session, whose inferences wait for the
 * linker again (to take the re-included payment, or this one if it comes back).
 */
export async function releaseOrphanedPayments(db: pg.ClientBase): Promise<void> {
  await db.query(
    `WITH released AS (
       UPDATE payment SET allocated_count = 0
        WHERE orphaned_at IS NOT NULL AND allocated_count > 0
       RETURNING session_id, from_address)
     UPDATE inference i SET payment_checked_at = NULL FROM released r
      WHERE i.session_id = r.session_id AND i.payer = r.from_address AND i.payment_checked_at IS NOT NULL`,
  );
}

/**
 * The sessions with a request the linker has not placed yet, each with all its live
 * requests (placed or not). Reads the partial index of pending inferences, so its cost
 * follows what changed, not the size of the database. Carries each pending receipt's
 * per-request amount to its inference on the way.
 */
export async function loadPendingSessions(db: pg.ClientBase): Promise<PendingSession[]> {
  await db.query(
    `UPDATE inference i SET request_amount = r.request_amount FROM receipt r
      WHERE r.id = i.receipt_id AND ${pending("i")}
        AND i.request_amount IS NULL AND r.request_amount IS NOT NULL`,
  );
  const { rows } = await db.query<{
    id: string;
    session_id: string;
    payer: string;
    occurred_at: Date;
    amount: string | null;
    pending: boolean;
  }>(
    `SELECT i.id, i.session_id, i.payer, i.occurred_at, i.request_amount::text AS amount,
            i.payment_checked_at IS NULL AS pending
       FROM inference i
      WHERE i.session_id IN (SELECT DISTINCT p.session_id FROM inference p WHERE ${pending("p")})
        AND i.payer IS NOT NULL AND i.orphaned_at IS NULL
      ORDER BY i.session_id, i.payer, i.occurred_at, i.id`,
  );
  const sessions = new Map<string, PendingSession>();
  for (const r of rows) {
    const key = `${r.session_id}\u0000${r.payer}`;
    let s = sessions.get(key);
    if (!s) {
      s = { sessionId: r.session_id, payer: r.payer, members: [], lastAt: r.occurred_at };
      sessions.set(key, s);
    }
    s.members.push({
      id: r.id,
      occurredAt: r.occurred_at,
      amount: r.amount === null ? null : BigInt(r.amount),
      pending: r.pending,
    });
    if (r.occurred_at > s.lastAt) s.lastAt = r.occurred_at;
  }
  return [...sessions.values()]
    .filter((s) => s.members.some((m) => m.pending))
    .sort((a, b) => a.lastAt.getTime() - b.lastAt.getTime() || cmp(a.sessionId, b.sessionId));
}

/** The live payments already linked to these sessions, with the inferences they cover now. */
export async function loadLinkedPayments(
  db: pg.ClientBase,
  sessionIds: string[],
): Promise<{ payments: PaymentRow[]; covered: Map<string, Set<string>> }> {
  const { rows } = await db.query<RawPayment>(
    `SELECT ${PAYMENT_COLUMNS} FROM payment
      WHERE session_id = ANY($1::text[]) AND orphaned_at IS NULL
      ORDER BY occurred_at, block_number, log_index`,
    [sessionIds],
  );
  const payments = rows.map(toPayment);
  const covered = new Map<string, Set<string>>(payments.map((p) => [p.id, new Set()]));
  if (payments.length > 0) {
    const { rows: allocations } = await db.query<{ payment_id: string; inference_id: string }>(
      `SELECT payment_id, inference_id FROM payment_allocation WHERE payment_id = ANY($1::uuid[])`,
      [payments.map((p) => p.id)],
    );
    for (const a of allocations) covered.get(a.payment_id)!.add(a.inference_id);
  }
  return { payments, covered };
}

/** Unlinked live payments of these payers that settled within the window of these sessions. */
export async function loadCandidatePayments(
  db: pg.ClientBase,
  sessions: PendingSession[],
): Promise<PaymentRow[]> {
  if (sessions.length === 0) return [];
  const from = Math.min(...sessions.map((s) => s.lastAt.getTime()));
  const to = Math.max(...sessions.map((s) => s.lastAt.getTime())) + SETTLE_WINDOW_MS;
  const { rows } = await db.query<RawPayment>(
    `SELECT ${PAYMENT_COLUMNS} FROM payment
      WHERE orphaned_at IS NULL AND session_id IS NULL AND from_address = ANY($1::text[])
        AND occurred_at >= $2 AND occurred_at <= $3
      ORDER BY occurred_at, block_number, log_index`,
    [[...new Set(sessions.map((s) => s.payer))], new Date(from), new Date(to)],
  );
  return rows.map(toPayment);
}

interface RawPayment {
  id: string;
  session_id: string | null;
  from_address: string;
  occurred_at: Date;
  value: string;
  allocation_revision: number;
  allocated_count: number;
}

function toPayment(r: RawPayment): PaymentRow {
  return {
    id: r.id,
    sessionId: r.session_id,
    from: r.from_address,
    occurredAt: r.occurred_at,
    value: BigInt(r.value),
    revision: r.allocation_revision,
    allocatedCount: r.allocated_count,
  };
}

function cmp(a: string, b: string) {
  return a < b ? -1 : a > b ? 1 : 0;
}
