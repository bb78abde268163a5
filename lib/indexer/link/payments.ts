import type pg from "pg";

/** How long after a session's last request its payment may settle (x402 upto: ~100 s idle). */
const SETTLE_WINDOW_MS = 60 * 60 * 1000;

interface SessionRow {
  session_id: string;
  payer: string;
  last_at: Date;
  inference_ids: string[];
}

interface PaymentRow {
  id: string;
  from_address: string;
  occurred_at: Date;
  value: string;
}

/**
 * Payments ↔ inferences through x402 upto sessions. A session (`X-Upto-Session`) settles once,
 * after its last request, from its payer: each unmatched session, oldest last request first,
 * takes the payer's earliest unmatched live payment within the settle window. The payment's
 * value is split across the session's inferences in equal shares (the remainder to the first),
 * because receipts do not carry per-request prices; the method says so.
 */
export async function linkPayments(db: pg.ClientBase): Promise<number> {
  const { rows: sessions } = await db.query<SessionRow>(
    `SELECT i.session_id, i.payer, max(i.occurred_at) AS last_at, array_agg(i.id ORDER BY i.occurred_at, i.id) AS inference_ids
       FROM inference i
      WHERE i.session_id IS NOT NULL AND i.payer IS NOT NULL AND i.orphaned_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.session_id = i.session_id AND p.orphaned_at IS NULL)
      GROUP BY i.session_id, i.payer ORDER BY last_at, i.session_id`,
  );
  if (sessions.length === 0) return 0;
  const { rows: payments } = await db.query<PaymentRow>(
    `SELECT id, from_address, occurred_at, value::text FROM payment
      WHERE orphaned_at IS NULL AND session_id IS NULL ORDER BY occurred_at, block_number, log_index`,
  );
  const taken = new Set<string>();
  const matches: {
    paymentId: string;
    sessionId: string;
    allocations: { inferenceId: string; amount: string }[];
  }[] = [];
  for (const s of sessions) {
    const start = s.last_at.getTime();
    const payment = payments.find(
      (p) =>
        !taken.has(p.id) &&
        p.from_address === s.payer &&
        p.occurred_at.getTime() >= start &&
        p.occurred_at.getTime() <= start + SETTLE_WINDOW_MS,
    );
    if (!payment) continue;
    taken.add(payment.id);
    const total = BigInt(payment.value);
    const n = BigInt(s.inference_ids.length);
    const share = total / n;
    const allocations = s.inference_ids.map((inferenceId, i) => ({
      inferenceId,
      amount: (i === 0 ? share + (total - share * n) : share).toString(),
    }));
    matches.push({ paymentId: payment.id, sessionId: s.session_id, allocations });
  }
  if (matches.length === 0) return 0;
  await db.query(
    `UPDATE payment p SET session_id = m.session_id
       FROM jsonb_to_recordset($1::jsonb) AS m(payment_id uuid, session_id text) WHERE p.id = m.payment_id`,
    [JSON.stringify(matches.map((m) => ({ payment_id: m.paymentId, session_id: m.sessionId })))],
  );
  await db.query(
    `INSERT INTO payment_allocation (payment_id, inference_id, amount, method)
     SELECT a.payment_id, a.inference_id, a.amount, 'session_equal_split'
       FROM jsonb_to_recordset($1::jsonb) AS a(payment_id uuid, inference_id text, amount numeric)
     ON CONFLICT (payment_id, inference_id) DO NOTHING`,
    [
      JSON.stringify(
        matches.flatMap((m) =>
          m.allocations.map((a) => ({
            payment_id: m.paymentId,
            inference_id: a.inferenceId,
            amount: a.amount,
          })),
        ),
      ),
    ],
  );
  return matches.length;
}
