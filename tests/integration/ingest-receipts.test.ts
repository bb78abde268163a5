import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { callRoute, pointAppAtDatabase } from "../helpers/route";
import { makeReceipt } from "../fixtures/receipts";
import { parsePythonJson } from "@/lib/evidence/python-json-parse";
import { canonicalRequest, teeRequestHash, type TeeChatRequest } from "@/lib/evidence/tee-hash";

const RATE_LIMIT = 40;
let db: TestDatabase;
let POST: (request: Request, context: unknown) => Promise<Response>;
let caller = 0;
/** A fresh caller address per request, so only the rate-limit test meets the limit. */
const nextCaller = () => `198.51.100.${++caller}`;
const post = (args: Parameters<typeof callRoute>[1]) =>
  callRoute(POST, { from: nextCaller(), ...args });
const countRows = async () =>
  Number((await db.pool.query("SELECT count(*) AS n FROM receipt")).rows[0].n);

beforeAll(async () => {
  db = await createTestDatabase();
  pointAppAtDatabase(db.url, { INGEST_RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) });
  ({ POST } = await import("@/app/api/v1/receipts/route"));
});
afterAll(async () => {
  await (await import("@/lib/db/client")).closeDb();
  await db?.close();
});

describe("POST /api/v1/receipts", () => {
  it("stores one receipt raw, with hashes normalised to 0x-lowercase, and answers 201", async () => {
    const receipt = makeReceipt({ tee_output_hash: "AB".repeat(32) });
    const res = await post({ body: receipt });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      created: 1,
      duplicates: 0,
      results: [{ index: 0, status: "created" }],
    });
    const row = (
      await db.pool.query("SELECT * FROM receipt WHERE id = $1", [
        (res.json.results as { id: string }[])[0]!.id,
      ])
    ).rows[0];
    expect(row.output_hash).toBe(`0x${"ab".repeat(32)}`);
    expect(row.request_hash).toBe(`0x${receipt.tee_request_hash}`);
    expect(row.tee_timestamp).toBe(String(receipt.tee_timestamp));
    expect(row.session_id).toBe(receipt.x402_session);
    expect(row.raw).toEqual(receipt);
    expect(row.signature_status).toBe("unverified");
  });

  it("keeps the posted request's numbers as written (1.0 stays 1.0), so its hash can be recomputed", async () => {
    const requestText =
      '{"model": "openai/gpt-4.1", "messages": [{"role": "user", "content": "Hi"}], "temperature": 1.0, ' +
      '"tools": [{"type": "function", "function": {"name": "f", "parameters": {"minimum": 1.0, "big": 12345678901234567890}}}]}';
    const expected = teeRequestHash(
      canonicalRequest(parsePythonJson(requestText) as TeeChatRequest),
    );
    const receipt = JSON.stringify(makeReceipt({ tee_request_hash: expected.slice(2) }));
    const res = await post({ rawBody: receipt.replace(/}$/, `, "request": ${requestText}}`) });
    expect(res.status).toBe(201);
    const id = (res.json.results as { id: string }[])[0]!.id;
    const row = (
      await db.pool.query(
        "SELECT request_payload::text AS request, raw::text AS raw FROM receipt WHERE id = $1",
        [id],
      )
    ).rows[0];
    expect(row.request).toContain('"minimum": 1.0');
    expect(row.raw).toContain("12345678901234567890");
    const stored = parsePythonJson(row.request) as TeeChatRequest;
    expect(teeRequestHash(canonicalRequest(stored))).toBe(expected);
  });

  it("answers which receipts were new: a repeat, even inside one request, is one row", async () => {
    const a = makeReceipt();
    await post({ body: a });
    const b = makeReceipt();
    const before = await countRows();
    const res = await post({ body: { receipts: [a, b, { ...b, x402_session: "other" }] } });
    expect(res.status).toBe(201);
    const results = res.json.results as { status: string; id: string }[];
    expect(results.map((r) => r.status)).toEqual(["duplicate", "created", "duplicate"]);
    expect(results[1]!.id).toBe(results[2]!.id);
    expect(await countRows()).toBe(before + 1);
    const again = await post({ body: { receipts: [a, b] } });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ created: 0, duplicates: 2 });
  });

  it("writes nothing when one item is malformed, and names its index and field", async () => {
    const before = await countRows();
    const bad = makeReceipt({ tee_output_hash: "xyz" });
    const res = await post({ body: { receipts: [makeReceipt(), makeReceipt(), bad] } });
    expect(res.status).toBe(422);
    expect(res.json.message).toMatch(/^receipts\[2\]\.tee_output_hash: must be 32 bytes of hex/);
    expect(await countRows()).toBe(before);
  });

  it.each([
    ["tee_signature", { tee_signature: "not base64!" }, /tee_signature: must be the base64/],
    ["missing tee_signature", { tee_signature: undefined }, /^tee_signature: is required/],
    ["tee_id", { tee_id: "0x1234" }, /tee_id: must be 32 bytes of hex/],
    ["tee_timestamp", { tee_timestamp: -5 }, /tee_timestamp/],
    ["model", { model: "" }, /model: must name the model/],
    ["payer", { payer: "alice" }, /payer: must be a 0x-prefixed 20-byte address/],
  ])("refuses a receipt with a bad %s with 422", async (_field, override, message) => {
    const before = await countRows();
    const res = await post({ body: makeReceipt(override) });
    expect(res.status).toBe(422);
    expect(res.json.message).toMatch(message);
    expect(await countRows()).toBe(before);
  });

  it.each([
    ["a NUL character in a kept field", '{"note": "a\\u0000b"}', /^note: contains a NUL character/],
    [
      "an unpaired surrogate",
      '{"note": "\\ud800"}',
      /^note: contains an unpaired UTF-16 surrogate/,
    ],
    [
      "nesting 1,000 levels deep",
      `{"note": ${"[".repeat(1000)}${"]".repeat(1000)}}`,
      /nests deeper than 64 levels/,
    ],
    [
      "a timestamp past the year 9999",
      '{"tee_timestamp": "99999999999999999999"}',
      /^tee_timestamp: must be unix seconds no later than the year 9999/,
    ],
  ])("answers 422, not 500, for %s, and writes nothing", async (_what, patch, message) => {
    const before = await countRows();
    const receipt = JSON.stringify(makeReceipt());
    const res = await post({ rawBody: receipt.replace(/}$/, `, ${patch.slice(1, -1)}}`) });
    expect(res.status).toBe(422);
    expect(res.json.message).toMatch(message);
    expect(await countRows()).toBe(before);
  });

  it("refuses more than 1,000 receipts in one request", async () => {
    const receipts = Array.from({ length: 1001 }, () => makeReceipt());
    const res = await post({ body: { receipts } });
    expect(res.status).toBe(422);
    expect(res.json.message).toBe("receipts: must hold at most 1000 receipts");
  });

  it("accepts 1,000 receipts in one request", async () => {
    const before = await countRows();
    const receipts = Array.from({ length: 1000 }, () => makeReceipt());
    const res = await post({ body: { receipts } });
    expect(res.status).toBe(201);
    expect(res.json.created).toBe(1000);
    expect(await countRows()).toBe(before + 1000);
  });

  it("refuses a body over 5 MB with 413, by declared length or by bytes streamed", async () => {
    const before = await countRows();
    const huge = JSON.stringify({
      receipts: [makeReceipt({ padding: "x".repeat(5 * 1024 * 1024) })],
    });
    const declared = await post({ rawBody: huge });
    expect(declared.status).toBe(413);
    const bytes = new TextEncoder().encode(huge);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 65536) controller.enqueue(bytes.slice(i, i + 65536));
        controller.close();
      },
    });
    const streamed = await post({ rawBody: stream });
    expect(streamed.status).toBe(413);
    expect(streamed.json.message).toMatch(/larger than 5 MB/);
    expect(await countRows()).toBe(before);
  });

  it("answers 415 for a body that is not JSON and 400 for broken JSON", async () => {
    const form = await post({ rawBody: "a=b", contentType: "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    expect(form.json.message).toMatch(/Content-Type: application\/json/);
    const broken = await post({ rawBody: '{"receipts": [' });
    expect(broken.status).toBe(400);
    expect(broken.json.message).toMatch(/^The body is not valid JSON/);
    const empty = await post({ rawBody: "" });
    expect(empty.status).toBe(400);
  });

  it("rate-limits one address with 429 and Retry-After, writing nothing for refused requests", async () => {
    const from = "192.0.2.77";
    for (let i = 0; i < RATE_LIMIT; i++) {
      expect((await callRoute(POST, { from, body: makeReceipt() })).status).toBe(201);
    }
    const before = await countRows();
    const refused = await callRoute(POST, { from, body: makeReceipt() });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await countRows()).toBe(before);
    expect((await callRoute(POST, { from: "192.0.2.78", body: makeReceipt() })).status).toBe(201);
  });
});
