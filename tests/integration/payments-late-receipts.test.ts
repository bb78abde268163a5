import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { callGet, callRoute, pointAppAtDatabase } from "../helpers/route";
import { insertPayment, newPayer, seedPaymentWorld, signedReceipt } from "../helpers/payments";
import { nothingWritten } from "../helpers/writes";

let db: TestDatabase;
let sourceId = "";
let POST: (request: Request, context: unknown) => Promise<Response>;
let GET_INFERENCE: typeof import("@/app/api/v1/inferences/[id]/route").GET;
let runLinker: typeof import("@/lib/indexer/link").runLinker;
let caller = 0;
let session = 0;
const T0 = 1_780_000_000;

const post = async (body: unknown) => {
  const res = await callRoute(POST, { from: `198.51.100.${++caller % 250}`, body });
  return res;
};
const postReceipts = async (receipts: unknown[]) => {
  const res = await post({ receipts });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return (res.json.results as { id: string }[]).map((r) => r.id);
};
const link = () => runLinker(db.pool);
const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  (await db.pool.query(sql, params)).rows as T[];

/** The allocations of a payment, oldest request first. */
const allocationsOf = (paymentId: string) =>
  q<{ amount: string; method: string; revision: number }>(
    `SELECT a.amount::text, a.method, a.revision FROM payment_allocation a
       JOIN inference i ON i.id = a.inference_id WHERE a.payment_id = $1 ORDER BY i.occurred_at, i.id`,
    [paymentId],
  );
const revisionsOf = (paymentId: string) =>
  q<{
    revision: number;
    reason: string;
    method: string;
    inference_count: number;
    allocations: { amount: string }[];
  }>(
    `SELECT revision, reason, method, inference_count, allocations FROM allocation_revision
      WHERE payment_id = $1 ORDER BY revision`,
    [paymentId],
  );
const sum = (rows: { amount: string }[]) => rows.reduce((s, r) => s + BigInt(r.amount), 0n);

/** A session of `costs.length` requests 10 s apart from `start`; `costs[i]` null: no amount. */
function sessionReceipts(payer: string, start: number, costs: (bigint | null)[]) {
  const id = `upto-test-${++session}`;
  return costs.map((cost, i) =>
    signedReceipt({ session: id, payer, at: start + i * 10, costOpg: cost ?? undefined }),
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  pointAppAtDatabase(db.url, { INGEST_RATE_LIMIT_PER_MINUTE: "100000" });
  ({ sourceId } = await seedPaymentWorld(db.pool));
  ({ POST } = await import("@/app/api/v1/receipts/route"));
  ({ GET: GET_INFERENCE } = await import("@/app/api/v1/inferences/[id]/route"));
  ({ runLinker } = await import("@/lib/indexer/link"));
});
afterAll(async () => {
  await (await import("@/lib/db/client")).closeDb();
  await db?.close();
});

describe("a session's payment covers every receipt of the session, whenever it arrives", () => {
  it("recomputes the allocations when a receipt joins after the payment was linked, keeping revision 1", async () => {
    const payer = newPayer();
    const receipts = sessionReceipts(payer, T0, [null, null, null]);
    await postReceipts(receipts.slice(0, 2));
    const payment = await insertPayment(db.pool, sourceId, { payer, at: T0 + 150, value: 1000n });
    await link();
    expect(await allocationsOf(payment)).toEqual([
      { amount: "500", method: "session_equal_split", revision: 1 },
      { amount: "500", method: "session_equal_split", revision: 1 },
    ]);

    const [late] = await postReceipts(receipts.slice(2));
    await link();
    const now = await allocationsOf(payment);
    expect(now.map((a) => a.amount)).toEqual(["334", "333", "333"]);
    expect(now.every((a) => a.revision === 2)).toBe(true);
    expect(sum(now)).toBe(1000n);
    const revisions = await revisionsOf(payment);
    expect(revisions.map((r) => [r.revision, r.reason, r.inference_count])).toEqual([
      [1, "payment_linked", 2],
      [2, "receipt_joined", 3],
    ]);
    expect(revisions[0]!.allocations.map((a) => a.amount)).toEqual(["500", "500"]);

    const [inference] = await q<{ id: string }>(`SELECT id FROM inference WHERE receipt_id = $1`, [
      late,
    ]);
    const card = await callGet(GET_INFERENCE, `/api/v1/inferences/${inference!.id}`, {
      id: inference!.id,
    });
    expect(card.status).toBe(200);
    expect(card.json.payments).toEqual([
      expect.objectContaining({
        allocated: "333",
        method: "session_equal_split",
        revision: 2,
        revisedAt: expect.any(String),
        requestAmount: null,
      }),
    ]);
  });

  it("allocates by the gateway's per-request amounts: exactly when they sum to the value, scaled otherwise", async () => {
    const exactPayer = newPayer();
    await postReceipts(sessionReceipts(exactPayer, T0 + 10_000, [100n, 300n, 600n]));
    const exact = await insertPayment(db.pool, sourceId, {
      payer: exactPayer,
      at: T0 + 10_200,
      value: 1000n,
    });
    // The session hit its cap: 7 paid for 2 + 3 + 5 of cost. 1.4, 2.1, 3.5 → 1, 2, 3 and the
    // remaining unit to the largest fraction (3.5).
    const cappedPayer = newPayer();
    await postReceipts(sessionReceipts(cappedPayer, T0 + 20_000, [2n, 3n, 5n]));
    const capped = await insertPayment(db.pool, sourceId, {
      payer: cappedPayer,
      at: T0 + 20_200,
      value: 7n,
    });
    await link();
    expect(await allocationsOf(exact)).toEqual(
      ["100", "300", "600"].map((amount) => ({
        amount,
        method: "per_request_amount",
        revision: 1,
      })),
    );
    expect(await allocationsOf(capped)).toEqual(
      ["1", "2", "4"].map((amount) => ({
        amount,
        method: "per_request_amount_scaled",
        revision: 1,
      })),
    );
    const [first] = await q<{ id: string }>(
      `SELECT a.inference_id AS id FROM payment_allocation a JOIN inference i ON i.id = a.inference_id
        WHERE a.payment_id = $1 ORDER BY i.occurred_at LIMIT 1`,
      [exact],
    );
    const card = await callGet(GET_INFERENCE, `/api/v1/inferences/${first!.id}`, { id: first!.id });
    expect(card.json.payments).toEqual([
      expect.objectContaining({
        method: "per_request_amount",
        requestAmount: "100",
        revision: 1,
        revisedAt: null,
      }),
    ]);
  });

  it("falls back to the labelled equal split when a request of the session has no amount", async () => {
    const payer = newPayer();
    await postReceipts(sessionReceipts(payer, T0 + 30_000, [100n, null, 600n]));
    const payment = await insertPayment(db.pool, sourceId, {
      payer,
      at: T0 + 30_200,
      value: 1000n,
    });
    await link();
    expect(await allocationsOf(payment)).toEqual(
      ["334", "333", "333"].map((amount) => ({
        amount,
        method: "session_equal_split",
        revision: 1,
      })),
    );
  });

  it("records no new revision and rewrites nothing on passes with nothing new", async () => {
    const snapshot = () =>
      q(
        `SELECT (SELECT json_agg(a ORDER BY a.id) FROM payment_allocation a) AS allocations,
                (SELECT json_agg(r ORDER BY r.id) FROM allocation_revision r) AS revisions,
                (SELECT json_agg(json_build_object('id', p.id, 'rev', p.allocation_revision, 'n', p.allocated_count) ORDER BY p.id) FROM payment p) AS payments`,
      );
    await link();
    const before = await snapshot();
    const first = await link();
    const second = await link();
    expect([first.payments, second.payments]).toEqual([0, 0]);
    expect(await snapshot()).toEqual(before);
  });

  it("leaves a receipt timestamped after its session's payment unpaid, with a finding, and keeps the link", async () => {
    const payer = newPayer();
    const receipts = sessionReceipts(payer, T0 + 40_000, [null, null]);
    await postReceipts(receipts);
    const payment = await insertPayment(db.pool, sourceId, { payer, at: T0 + 40_150, value: 10n });
    await link();
    const sessionId = (receipts[0] as { x402_session: string }).x402_session;
    const [after] = await postReceipts([
      signedReceipt({ session: sessionId, payer, at: T0 + 40_300 }),
    ]);
    await link();
    expect((await allocationsOf(payment)).map((a) => a.amount)).toEqual(["5", "5"]);
    expect((await revisionsOf(payment)).length).toBe(1);
    const findings = await q<{ kind: string; payment_id: string }>(
      `SELECT f.kind::text, f.payment_id FROM finding f JOIN inference i ON i.id = f.inference_id
        WHERE i.receipt_id = $1 AND f.resolved_at IS NULL`,
      [after],
    );
    expect(findings).toEqual([{ kind: "receipt_after_settlement", payment_id: payment }]);
  });

  it("re-links a session whose payment a reorg orphaned to the re-included payment", async () => {
    const payer = newPayer();
    await postReceipts(sessionReceipts(payer, T0 + 50_000, [4n, 6n]));
    const first = await insertPayment(db.pool, sourceId, { payer, at: T0 + 50_150, value: 10n });
    await link();
    await db.pool.query(`UPDATE payment SET orphaned_at = now() WHERE id = $1`, [first]);
    const again = await insertPayment(db.pool, sourceId, { payer, at: T0 + 50_160, value: 10n });
    await link();
    expect(await allocationsOf(again)).toEqual(
      ["4", "6"].map((amount) => ({ amount, method: "per_request_amount", revision: 1 })),
    );
    const [orphaned] = await q<{ allocated_count: number }>(
      `SELECT allocated_count FROM payment WHERE id = $1`,
      [first],
    );
    expect(orphaned!.allocated_count).toBe(0);
  });
});

describe("the per-request amount at the door", () => {
  const receiptRows = () => q(`SELECT count(*)::int AS n FROM receipt`);
  const expectNothingWritten = nothingWritten(receiptRows);
  const base = () => signedReceipt({ session: "upto-door", payer: newPayer(), at: T0 });
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");
  const settle = { success: true, transaction: `0x${"ab".repeat(32)}`, network: "eip155:8453" };

  it.each([
    ["a number, not a string", { opengradient: { cost_opg: 1000 } }, /^opengradient\.cost_opg: /],
    [
      "1e999",
      { opengradient: { cost_opg: "1e999" } },
      /^opengradient\.cost_opg: must be whole token base units/,
    ],
    ["negative", { opengradient: { cost_opg: "-1" } }, /^opengradient\.cost_opg: /],
    [
      "past uint256",
      { opengradient: { cost_opg: "9".repeat(78) } },
      /^opengradient\.cost_opg: must be at most 2\^256 - 1/,
    ],
    ["no cost", { opengradient: { cost_usd: "0.1" } }, /^opengradient\.cost_opg: is required/],
    [
      "a bad USD figure",
      { opengradient: { cost_opg: "1", cost_usd: "1e3" } },
      /^opengradient\.cost_usd: /,
    ],
    [
      "not base64",
      { x402_payment_response: "A" },
      /^x402_payment_response: must be the PAYMENT-RESPONSE header/,
    ],
    [
      "base64 of a list",
      { x402_payment_response: b64([1]) },
      /^x402_payment_response: must be the PAYMENT-RESPONSE header/,
    ],
    [
      "success not a boolean",
      { x402_payment_response: b64({ ...settle, success: "yes" }) },
      /^x402_payment_response\.success: /,
    ],
    [
      "a fractional amount",
      { x402_payment_response: { ...settle, amount: "1.5" } },
      /^x402_payment_response\.amount: /,
    ],
    [
      "a NUL in the network",
      { x402_payment_response: { ...settle, network: "eip155\u00008453" } },
      /^x402_payment_response\.network: /,
    ],
  ])("answers 422 naming the field for %s, and writes nothing", async (_, extra, message) => {
    await expectNothingWritten(() => post({ ...base(), ...extra }), 422, message);
  });

  it("names the item in a batch and writes none of it", async () => {
    await expectNothingWritten(
      () => post({ receipts: [base(), { ...base(), opengradient: { cost_opg: "0x10" } }] }),
      422,
      /^receipts\[1\]\.opengradient\.cost_opg: /,
    );
  });

  it("stores the amount of a PAYMENT-RESPONSE header, decoded, and of the cost block", async () => {
    const header = { ...base(), x402_payment_response: b64({ ...settle, amount: "2500" }) };
    const failed = { ...base(), x402_payment_response: { ...settle, success: false, amount: "7" } };
    const cost = {
      ...base(),
      opengradient: { cost_opg: "1200", cost_usd: "0.00006", opg_price_usd: "0.05" },
    };
    const ids = await postReceipts([header, failed, cost]);
    const rows = await q<{ amount: string | null; source: string | null }>(
      `SELECT request_amount::text AS amount, request_amount_source AS source FROM receipt
        WHERE id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], id)`,
      [ids],
    );
    expect(rows).toEqual([
      { amount: "2500", source: "x402_payment_response.amount" },
      { amount: null, source: null },
      { amount: "1200", source: "opengradient.cost_opg" },
    ]);
  });
});

describe("each session's last receipt posted after its payment was linked", () => {
  it("ends with every inference paid and every payment's shares summing to its value", async () => {
    const payers = [newPayer(), newPayer(), newPayer()];
    const start = T0 + 100_000;
    const sessions = Array.from({ length: 60 }, (_, k) => {
      const payer = payers[k % 3]!;
      const at = start + k * 1000;
      const costs = Array.from({ length: 5 }, (__, i) => (k % 2 === 0 ? BigInt(10 + i + k) : null));
      return { payer, at, receipts: sessionReceipts(payer, at, costs), costs };
    });
    const payments: string[] = [];
    for (const s of sessions) {
      const value = s.costs.reduce<bigint>((n, c) => n + (c ?? 0n), 0n) || 1001n;
      payments.push(
        await insertPayment(db.pool, sourceId, { payer: s.payer, at: s.at + 200, value }),
      );
    }
    await postReceipts(sessions.flatMap((s) => s.receipts.slice(0, -1)));
    await link();
    await postReceipts(sessions.map((s) => s.receipts.at(-1)!));
    await link();

    const [paid] = await q<{ total: number; paid: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM payment_allocation a
                WHERE a.inference_id = i.id AND a.payment_id = ANY($1::uuid[])))::int AS paid
         FROM inference i WHERE i.payer = ANY($2::text[])`,
      [payments, payers],
    );
    expect(paid).toEqual({ total: 300, paid: 300 });
    const totals = await q<{ value: string; total: string; rev: number; reason: string }>(
      `SELECT p.value::text, (SELECT sum(amount)::text FROM payment_allocation a WHERE a.payment_id = p.id) AS total,
              p.allocation_revision AS rev,
              (SELECT reason FROM allocation_revision r WHERE r.payment_id = p.id AND r.revision = p.allocation_revision) AS reason
         FROM payment p WHERE p.id = ANY($1::uuid[])`,
      [payments],
    );
    expect(totals).toHaveLength(60);
    for (const t of totals)
      expect(t).toEqual({ value: t.value, total: t.value, rev: 2, reason: "receipt_joined" });
    const methods = await q<{ method: string; n: number }>(
      `SELECT method, count(DISTINCT payment_id)::int AS n FROM payment_allocation
        WHERE payment_id = ANY($1::uuid[]) GROUP BY method ORDER BY method`,
      [payments],
    );
    expect(methods).toEqual([
      { method: "per_request_amount", n: 30 },
      { method: "session_equal_split", n: 30 },
    ]);
  });
});
