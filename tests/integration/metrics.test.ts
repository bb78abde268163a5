import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { parsePrometheus, samplesOf } from "../helpers/prometheus";
import { callRoute, pointAppAtDatabase } from "../helpers/route";

const TOKEN = "metrics-token-for-tests-0123456789";
let db: TestDatabase;
let GET: (request: Request) => Promise<Response>;
let postReceipt: (request: Request, context: unknown) => Promise<Response>;

const scrape = async (authorization: string | null = `Bearer ${TOKEN}`) => {
  const headers = authorization ? { authorization } : undefined;
  const response = await GET(new Request("http://localhost/metrics", { headers }));
  return { response, text: await response.text() };
};

beforeAll(async () => {
  db = await createTestDatabase();
  pointAppAtDatabase(db.url, { METRICS_TOKEN: TOKEN });
  ({ GET } = await import("@/app/metrics/route"));
  ({ POST: postReceipt } = await import("@/app/api/v1/receipts/route"));
  // A chain whose head is 130 blocks past one source's checkpoint, caught up on the other.
  await db.pool.query(
    "INSERT INTO chain (id, name, finality_depth, head_block, head_seen_at) VALUES (8453, 'base', 12, 1130, now())",
  );
  const { rows } = await db.pool.query<{ id: string; label: string }>(
    `INSERT INTO source (chain_id, kind, address, abi_version, from_block, label, unknown_events)
     VALUES (8453, 'settlement', '0x00000000000000000000000000000000000000a1', 1, 1, 'settlements', 3),
            (8453, 'registry', '0x00000000000000000000000000000000000000b2', 1, 1, 'registry', 0)
     RETURNING id, label`,
  );
  const id = (label: string) => rows.find((r) => r.label === label)!.id;
  await db.pool.query(
    `INSERT INTO source_checkpoint (source_id, block_number, block_hash, updated_at)
     VALUES ($1, 1000, '0x' || repeat('a', 64), now() - interval '90 seconds'), ($2, 1130, '0x' || repeat('b', 64), now())`,
    [id("settlements"), id("registry")],
  );
  await db.pool.query(
    `INSERT INTO linker_health (id, last_pass_at, last_success_at, last_duration_ms, last_error, last_error_at,
                                consecutive_failures, updated_at)
     VALUES ('linker', now(), now() - interval '1 minute', 2500, 'Step x failed', now(), 2, now())`,
  );
  await db.pool.query(
    `INSERT INTO finding (kind, severity, message, dedupe_key, resolved_at)
     VALUES ('bad_signature', 'high', 'm', 'k1', NULL), ('bad_signature', 'high', 'm', 'k2', NULL),
            ('receipt_never_settled', 'low', 'm', 'k3', NULL), ('receipt_never_settled', 'low', 'm', 'k4', now())`,
  );
});
afterAll(async () => {
  await (await import("@/lib/db/client")).closeDb();
  await db?.close();
});

describe("GET /metrics", () => {
  it("refuses a scrape without the bearer token, or with a wrong one, when METRICS_TOKEN is set", async () => {
    const missing = await scrape(null);
    expect(missing.response.status).toBe(401);
    expect(JSON.parse(missing.text).message).toContain("METRICS_TOKEN");
    expect((await scrape("Bearer not-the-token")).response.status).toBe(401);
    expect(missing.text).not.toContain("provenance_");
  });

  it("is let through a private deployment's door to its own token check", async () => {
    const { decideAccess } = await import("@/lib/auth/read-access");
    const decision = await decideAccess(new Request("http://localhost/metrics"), false);
    expect(decision.allowed).toBe(true);
    const page = await decideAccess(new Request("http://localhost/models"), false);
    expect(page.allowed).toBe(false);
  });

  it("answers Prometheus text with each source's head, checkpoint and lag as the database holds them", async () => {
    const { response, text } = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const samples = parsePrometheus(text);
    const behind = { chain_id: "8453", chain: "base", source: "settlements", kind: "settlement" };
    const caughtUp = { ...behind, source: "registry", kind: "registry" };
    expect(samplesOf(samples, "provenance_chain_head_block", { chain_id: "8453" })[0]!.value).toBe(
      1130,
    );
    expect(samplesOf(samples, "provenance_source_checkpoint_block", behind)[0]!.value).toBe(1000);
    expect(samplesOf(samples, "provenance_source_lag_blocks", behind)[0]!.value).toBe(130);
    expect(samplesOf(samples, "provenance_source_lag_blocks", caughtUp)[0]!.value).toBe(0);
    expect(samplesOf(samples, "provenance_source_lag_seconds", behind)[0]!.value).toBeGreaterThan(
      89,
    );
    expect(samplesOf(samples, "provenance_source_lag_seconds", caughtUp)[0]!.value).toBe(0);
    expect(samplesOf(samples, "provenance_source_unknown_events", behind)[0]!.value).toBe(3);
  });

  it("reports the linker's last pass and failures, and open findings by kind", async () => {
    const samples = parsePrometheus((await scrape()).text);
    expect(samplesOf(samples, "provenance_linker_last_pass_duration_seconds")[0]!.value).toBe(2.5);
    expect(samplesOf(samples, "provenance_linker_consecutive_failures")[0]!.value).toBe(2);
    expect(
      samplesOf(samples, "provenance_findings_open", { kind: "bad_signature" })[0]!.value,
    ).toBe(2);
    // One of the two never-settled findings is resolved.
    expect(
      samplesOf(samples, "provenance_findings_open", { kind: "receipt_never_settled" })[0]!.value,
    ).toBe(1);
    expect(samplesOf(samples, "provenance_indexed_rows", { table: "receipt" })).toHaveLength(1);
  });

  it("counts refused submissions by their error code", async () => {
    const before = parsePrometheus((await scrape()).text);
    const refused = { endpoint: "receipts", outcome: "refused", reason: "validation_failed" };
    const was = samplesOf(before, "provenance_ingest_requests_total", refused)[0]?.value ?? 0;
    const answer = await callRoute(postReceipt, {
      path: "/api/v1/receipts",
      body: { receipts: [{ not: "a receipt" }] },
    });
    expect(answer.status).toBe(422);
    const after = parsePrometheus((await scrape()).text);
    expect(samplesOf(after, "provenance_ingest_requests_total", refused)[0]!.value).toBe(was + 1);
  });
});
