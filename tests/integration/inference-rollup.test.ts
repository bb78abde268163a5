import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRng, type Rng } from "@/lib/devnet/scenario/rng";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";

/** Case count and seed: `ROLLUP_CASES=200 ROLLUP_SEED=x npm run test:integration`. */
const CASES = Number(process.env.ROLLUP_CASES ?? 100);
const SEED = process.env.ROLLUP_SEED ?? "rollup";

const hex = (rng: Rng, bytes: number) => `0x${rng.bytes(bytes).toString("hex")}`;

/** What the roll-up must equal: the same grouping computed from scratch. */
const FROM_SCRATCH = `
  SELECT i.model_id, date_trunc('hour', i.occurred_at, 'UTC') AS hour, i.model_version_id,
         i.signature_status::text, i.orphaned_at IS NOT NULL AS orphaned, count(*)::int AS requests,
         COALESCE(sum((SELECT sum(amount) FROM payment_allocation a WHERE a.inference_id = i.id)), 0)::text AS paid
    FROM inference i GROUP BY 1, 2, 3, 4, 5`;
const ROLLUP = `
  SELECT model_id, hour, model_version_id, signature_status::text, orphaned, requests, paid::text
    FROM inference_rollup`;

const key = (r: Record<string, unknown>) => JSON.stringify(Object.values(r));

describe(`the hourly inference roll-up (${CASES} seeded cases, seed "${SEED}")`, () => {
  let db: TestDatabase;
  let models: string[] = [];
  let versions: string[] = [];
  let payment = "";

  beforeAll(async () => {
    db = await createTestDatabase();
    const q = (sql: string, params: unknown[] = []) => db.pool.query(sql, params);
    await q(
      `INSERT INTO chain (id, name, rpc_url, finality_depth) VALUES (8453, 'Base', 'http://x', 1)`,
    );
    const source = await q(
      `INSERT INTO source (chain_id, kind, address, abi_version, from_block, label)
       VALUES (8453, 'opg_token', '0x${"1".repeat(40)}', 1, 0, 'OPG') RETURNING id`,
    );
    const pay = await q(
      `INSERT INTO payment (chain_id, block_number, block_hash, tx_hash, log_index, source_id, token,
                            from_address, to_address, value, settle_event, occurred_at)
       VALUES (8453, 1, '0x${"a".repeat(64)}', '0x${"b".repeat(64)}', 0, $1, '0x${"1".repeat(40)}',
               '0x${"2".repeat(40)}', '0x${"3".repeat(40)}', 10, 'Settled', now()) RETURNING id`,
      [source.rows[0].id],
    );
    payment = pay.rows[0].id;
    models = (
      await q(
        `INSERT INTO model (name, kind) VALUES ('llm:a', 'llm'), ('llm:b', 'llm') RETURNING id`,
      )
    ).rows.map((r) => r.id);
    versions = (
      await q(
        `INSERT INTO model_version (model_id, label, key, content_id)
         SELECT $1, 'v' || n, 'cid:Qm' || n, 'Qm' || n FROM generate_series(1, 3) n RETURNING id`,
        [models[0]],
      )
    ).rows.map((r) => r.id);
  });
  afterAll(async () => {
    await db?.close();
  });

  async function randomStatement(rng: Rng) {
    const q = (sql: string, params: unknown[] = []) => db.pool.query(sql, params);
    const ids = (await q(`SELECT id FROM inference ORDER BY id`)).rows.map((r) => r.id as string);
    const someIds = () => ids.filter(() => rng.chance(0.3));
    const time = () => new Date(Date.UTC(2026, 0, 1) + rng.int(0, 3 * 24 * 3600) * 1000);
    const op = ids.length < 5 ? 0 : rng.int(0, 5);
    if (op === 0) {
      const rows = Array.from({ length: rng.int(1, 40) }, () => {
        const model = rng.chance(0.7) ? models[0]! : models[1]!;
        const version = model === models[0] && rng.chance(0.8) ? versions[rng.int(0, 2)]! : null;
        return {
          id: `inf_${hex(rng, 16).slice(2)}`,
          model_id: model,
          model_version_id: version,
          input_hash: hex(rng, 32),
          output_hash: hex(rng, 32),
          occurred_at: time(),
          tee_id: rng.chance(0.5) ? `0x${String(rng.int(1, 3)).repeat(64)}` : null,
          signature_status: ["valid", "invalid", "no_key", "unverified"][rng.int(0, 3)],
        };
      });
      await q(
        `INSERT INTO inference (id, model_id, model_version_id, input_hash, output_hash, occurred_at, tee_id, signature_status)
         SELECT id, model_id, model_version_id, input_hash, output_hash, occurred_at, tee_id, signature_status::signature_status
           FROM jsonb_to_recordset($1::jsonb) AS r(id text, model_id uuid, model_version_id uuid, input_hash text,
                output_hash text, occurred_at timestamptz, tee_id text, signature_status text)`,
        [JSON.stringify(rows)],
      );
    } else if (op === 1) {
      await q(`UPDATE inference SET occurred_at = occurred_at + $2::interval WHERE id = ANY($1)`, [
        someIds(),
        `${rng.int(-5, 5)} hours`,
      ]);
    } else if (op === 2) {
      await q(
        `UPDATE inference SET model_version_id = $2, signature_status = $3::signature_status,
                orphaned_at = CASE WHEN $4 THEN now() END
          WHERE id = ANY($1) AND model_id = $5`,
        [someIds(), versions[rng.int(0, 2)], "invalid", rng.chance(0.5), models[0]],
      );
    } else if (op === 3) {
      await q(
        `INSERT INTO payment_allocation (payment_id, inference_id, amount, method)
         SELECT $1, id, $3::numeric, 'exact' FROM unnest($2::text[]) AS id ON CONFLICT DO NOTHING`,
        [payment, someIds(), String(rng.int(1, 10 ** 9)) + "000000000"],
      );
    } else if (op === 4) {
      await q(`UPDATE payment_allocation SET amount = amount + 1 WHERE inference_id = ANY($1)`, [
        someIds(),
      ]);
    } else {
      // Deleting an inference cascades to its allocations (a second statement, with its own trigger).
      await q(`DELETE FROM inference WHERE id = ANY($1)`, [someIds().slice(0, 3)]);
    }
  }

  it("equals the same grouping computed from scratch after every statement, whatever it did", async () => {
    for (let c = 0; c < CASES; c++) {
      const seed = `${SEED}-${c}`;
      const rng = createRng(seed);
      const steps = rng.int(1, 6);
      for (let s = 0; s < steps; s++) await randomStatement(rng.fork(String(s)));
      const expected = (await db.pool.query(FROM_SCRATCH)).rows.map(key).sort();
      const actual = (await db.pool.query(ROLLUP)).rows.map(key).sort();
      expect(actual, `case ${seed} (rerun with ROLLUP_SEED=${SEED})`).toEqual(expected);
    }
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM inference`);
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it("buckets by UTC hour whatever the session's time zone is", async () => {
    const client = await db.pool.connect();
    try {
      await client.query(`SET TIME ZONE 'Asia/Kolkata'`);
      await client.query(
        `INSERT INTO inference (id, model_id, input_hash, output_hash, occurred_at)
         VALUES ('inf_tz', $1, $2, $2, '2026-02-01T10:59:59.999Z')`,
        [models[1], `0x${"c".repeat(64)}`],
      );
    } finally {
      client.release();
    }
    const { rows } = await db.pool.query(
      `SELECT to_char(hour AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS hour, requests
         FROM inference_rollup WHERE model_id = $1 AND hour >= '2026-02-01T00:00Z'`,
      [models[1]],
    );
    expect(rows).toEqual([{ hour: "2026-02-01 10:00", requests: 1 }]);
  });
});
