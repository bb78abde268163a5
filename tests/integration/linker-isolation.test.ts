import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLinker } from "@/lib/indexer/link";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import {
  insertEnclave,
  insertReceipt,
  insertRegistry,
  randomHash32,
  type TestEnclave,
} from "../helpers/linker-fixtures";
import { pointAppAtDatabase } from "../helpers/route";

// Rows that once stopped every linker pass, written with SQL past the API's validation (as an
// older version, a hand-made fix or an unforeseen decoder could): the pass must link the good
// receipts, set each bad one aside as a finding, say so in the status, and take it back once
// it is fixed.

let db: TestDatabase;
let enclave: TestEnclave;
let garbageKeyEnclave: TestEnclave;
const good: string[] = [];
const bad: Record<string, string> = {};

const asideOf = async (receiptId: string) =>
  (
    await db.pool.query<{ step: string; error: string; attempts: number; sqlstate: string | null }>(
      "SELECT step, error, attempts, sqlstate FROM linker_aside WHERE receipt_id = $1 ORDER BY step",
      [receiptId],
    )
  ).rows;
const findingsOf = async (receiptId: string) =>
  (
    await db.pool.query<{ resolved: boolean; evidence: Record<string, unknown>; message: string }>(
      `SELECT resolved_at IS NOT NULL AS resolved, evidence, message FROM finding
        WHERE kind = 'unprocessable_evidence' AND receipt_id = $1 ORDER BY dedupe_key`,
      [receiptId],
    )
  ).rows;
const inferenceOf = async (receiptId: string) =>
  (
    await db.pool.query<{ id: string; signature_status: string }>(
      "SELECT id, signature_status FROM inference WHERE receipt_id = $1",
      [receiptId],
    )
  ).rows[0];
const status = async () => (await import("@/lib/db/indexer-status")).getIndexerStatus();

beforeAll(async () => {
  db = await createTestDatabase();
  pointAppAtDatabase(db.url);
  const sourceId = await insertRegistry(db.pool);
  enclave = await insertEnclave(db.pool, sourceId);
  garbageKeyEnclave = await insertEnclave(db.pool, sourceId, { publicKey: "0xdeadbeef" });
  good.push(await insertReceipt(db.pool, {}, enclave));
  // Base64 the signature CHECK lets through but PostgreSQL's decode() refuses.
  bad.shortBase64 = await insertReceipt(db.pool, { signature: "A" }, enclave);
  bad.paddedBase64 = await insertReceipt(db.pool, { signature: "QUJD=" }, enclave);
  good.push(await insertReceipt(db.pool, {}, enclave));
  // A timestamp far past what a timestamptz can hold (to_timestamp() overflows), on a receipt
  // whose signature does not verify (so its bad_signature finding needs the time too).
  bad.farTimestamp = await insertReceipt(db.pool, {
    teeTimestamp: "100000000000000000",
    teeId: enclave.teeId,
    signature: crypto.randomBytes(256).toString("base64"),
  });
  // A model name too long for the model name index (random, so it does not compress).
  bad.hugeModel = await insertReceipt(
    db.pool,
    { model: crypto.randomBytes(6000).toString("hex") },
    enclave,
  );
  // A request the enclave could not have hashed: a float beyond a double (not Python's JSON).
  bad.unparseableRequest = await insertReceipt(
    db.pool,
    { requestPayload: `{"model": "openai/gpt-4.1", "temperature": 1${"0".repeat(400)}.5}` },
    enclave,
  );
  // Signed by an enclave whose registered key is not a key at all.
  good.push(await insertReceipt(db.pool, {}, garbageKeyEnclave));
  // Two receipts whose content keys share the 32 hex digits the inference id is made from:
  // each alone is fine, together one INSERT would update the same inference twice.
  const prefix = randomHash32().slice(0, 34);
  good.push(await insertReceipt(db.pool, { contentKey: `${prefix}${"1".repeat(32)}` }, enclave));
  bad.sameInferenceId = await insertReceipt(
    db.pool,
    { contentKey: `${prefix}${"2".repeat(32)}` },
    enclave,
  );
  good.push(await insertReceipt(db.pool, {}, enclave));
});

afterAll(async () => {
  await (await import("@/lib/db/client")).closeDb();
  await db?.close();
});

describe("a linker pass over rows it cannot process", () => {
  it("links every good receipt, and sets each bad one aside from the step it breaks", async () => {
    const pass = await runLinker(db.pool);
    expect(pass.failedSteps).toEqual([]);
    for (const id of good) expect(await inferenceOf(id), `receipt ${id}`).toBeDefined();
    expect((await inferenceOf(good[0]!))!.signature_status).toBe("valid");
    // The garbage key is a verdict on the receipt, not a failure of the pass.
    expect((await inferenceOf(good[2]!))!.signature_status).toBe("invalid");

    expect(await asideOf(bad.shortBase64!)).toMatchObject([
      { step: "inferences", sqlstate: "22023", error: expect.stringMatching(/base64/) },
    ]);
    expect(await asideOf(bad.paddedBase64!)).toMatchObject([{ step: "inferences" }]);
    expect(await asideOf(bad.farTimestamp!)).toMatchObject([
      { step: "findings", error: expect.stringMatching(/timestamp out of range/) },
      { step: "inferences", error: expect.stringMatching(/timestamp out of range/) },
    ]);
    expect(await asideOf(bad.hugeModel!)).toMatchObject([
      { step: "inferences", sqlstate: "54000", error: expect.stringMatching(/index row/) },
    ]);
    expect(await asideOf(bad.unparseableRequest!)).toMatchObject([
      { step: "verify", error: expect.stringMatching(/^request_payload cannot be read/) },
    ]);
    expect(await asideOf(bad.sameInferenceId!)).toMatchObject([
      { step: "inferences", sqlstate: "21000", error: expect.stringMatching(/earlier receipt/) },
    ]);
    // Set aside from verification only, it is still an inference, unverified.
    expect((await inferenceOf(bad.unparseableRequest!))!.signature_status).toBe("unverified");
    expect(await inferenceOf(bad.shortBase64!)).toBeUndefined();
    expect(pass.setAside).toBe(6); // verify sets aside before the transaction, not counted
  });

  it("shows each receipt set aside as an open unprocessable_evidence finding with its reason", async () => {
    const [finding] = await findingsOf(bad.shortBase64!);
    expect(finding).toMatchObject({
      resolved: false,
      evidence: { receiptId: bad.shortBase64, step: "inferences", sqlstate: "22023" },
    });
    expect(finding!.message).toMatch(/could not process this receipt in its inferences step/);
    expect(await findingsOf(bad.farTimestamp!)).toHaveLength(2);
    expect(await findingsOf(bad.unparseableRequest!)).toMatchObject([
      { resolved: false, evidence: { step: "verify" } },
    ]);
  });

  it("reports the pass and the receipts set aside in /api/v1/status", async () => {
    const { GET } = await import("@/app/api/v1/status/route");
    const response = await GET(new Request("http://localhost/api/v1/status"), {} as never);
    const body = (await response.json()) as Awaited<ReturnType<typeof status>>;
    expect(response.status).toBe(200);
    expect(body.linker).toMatchObject({ consecutiveFailures: 0, setAside: 6, lastError: null });
    expect(Date.parse(body.linker.lastSuccessAt!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("does not try a receipt set aside again while it is unchanged (no hot loop)", async () => {
    const before = await db.pool.query("SELECT * FROM linker_aside ORDER BY step, receipt_id");
    const pass = await runLinker(db.pool);
    expect(pass.setAside).toBe(0);
    expect(pass.failedSteps).toEqual([]);
    const after = await db.pool.query("SELECT * FROM linker_aside ORDER BY step, receipt_id");
    expect(after.rows).toEqual(before.rows);
    expect(after.rows.every((r: { attempts: number }) => r.attempts === 1)).toBe(true);
  });

  it("links a receipt once it is fixed, and resolves its finding", async () => {
    const row = (
      await db.pool.query("SELECT request_hash, output_hash FROM receipt WHERE id = $1", [
        bad.shortBase64,
      ])
    ).rows[0];
    const { signTeeResponse } = await import("@/lib/devnet/scenario/tee-signer");
    const signature = signTeeResponse({
      privateKeyPem: enclave.privateKeyPem,
      requestHash: row.request_hash,
      outputHash: row.output_hash,
      timestamp: 1763900000,
    });
    // As a re-post would: the right signature, to be verified again.
    await db.pool.query(
      `UPDATE receipt SET signature = $2, signature_status = 'unverified', verification_reason = NULL
        WHERE id = $1`,
      [bad.shortBase64, signature],
    );
    await db.pool.query("UPDATE receipt SET request_payload = NULL WHERE id = $1", [
      bad.unparseableRequest,
    ]);
    await runLinker(db.pool);
    expect(await inferenceOf(bad.shortBase64!)).toMatchObject({ signature_status: "valid" });
    expect(await asideOf(bad.shortBase64!)).toEqual([]);
    expect(await findingsOf(bad.shortBase64!)).toMatchObject([{ resolved: true }]);
    expect(await inferenceOf(bad.unparseableRequest!)).toMatchObject({ signature_status: "valid" });
    expect(await findingsOf(bad.unparseableRequest!)).toMatchObject([{ resolved: true }]);
    expect((await status()).linker.setAside).toBe(4);
  });

  it("tries a receipt set aside again when its retry time comes, and waits twice as long after", async () => {
    await db.pool.query(
      "UPDATE linker_aside SET retry_at = now() - interval '1 second' WHERE receipt_id = $1",
      [bad.paddedBase64],
    );
    await runLinker(db.pool);
    const [aside] = await asideOf(bad.paddedBase64!);
    expect(aside).toMatchObject({ step: "inferences", attempts: 2 });
    const { rows } = await db.pool.query(
      "SELECT retry_at - now() > interval '90 minutes' AS later FROM linker_aside WHERE receipt_id = $1",
      [bad.paddedBase64],
    );
    expect(rows[0].later).toBe(true);
    expect(await findingsOf(bad.paddedBase64!)).toMatchObject([{ resolved: false }]);
  });
});

describe("the linker's health", () => {
  it("records a step that fails as a whole, runs the other steps, and recovers", async () => {
    // Deployments refuse every new row: not a receipt's doing, so the step fails alone.
    await db.pool.query(
      `ALTER TABLE deployment ADD CONSTRAINT test_refuse_all CHECK (valid_from < '2000-01-01') NOT VALID`,
    );
    const fresh = await insertReceipt(db.pool, { model: "acme/new-model" }, enclave);
    const pass = await runLinker(db.pool);
    expect(pass.failedSteps).toEqual(["deployments"]);
    expect(await inferenceOf(fresh)).toBeDefined();
    const failing = (await status()).linker;
    expect(failing.consecutiveFailures).toBe(1);
    expect(failing.lastError).toMatch(/^Step deployments failed: .*test_refuse_all/);
    expect(failing.lastErrorAt).not.toBeNull();

    await db.pool.query("ALTER TABLE deployment DROP CONSTRAINT test_refuse_all");
    expect((await runLinker(db.pool)).failedSteps).toEqual([]);
    const recovered = (await status()).linker;
    expect(recovered.consecutiveFailures).toBe(0);
    expect(Date.parse(recovered.lastSuccessAt!)).toBeGreaterThan(Date.parse(failing.lastErrorAt!));
  });

  it("records a pass that fails as a whole, and rethrows its error", async () => {
    // A table the pass needs is gone (a half-applied upgrade): nothing of the pass can run.
    await db.pool.query("ALTER TABLE linker_aside RENAME TO linker_aside_away");
    try {
      await expect(runLinker(db.pool)).rejects.toThrow(/linker_aside/);
    } finally {
      await db.pool.query("ALTER TABLE linker_aside_away RENAME TO linker_aside");
    }
    const linker = (await status()).linker;
    expect(linker.consecutiveFailures).toBe(1);
    expect(linker.lastError).toMatch(/^The pass failed: .*linker_aside/);
  });
});
