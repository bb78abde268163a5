import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { signIn, TEST_ORIGIN } from "../helpers/auth";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { callRoute, pointAppAtDatabase } from "../helpers/route";
import { nothingWritten } from "../helpers/writes";

const auditor = privateKeyToAccount(generatePrivateKey());
const viewer = privateKeyToAccount(generatePrivateKey());

// Read once by lib/env: set before anything imports it.
process.env.AUDIT_SIGNING_KEY = generatePrivateKey();

const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const OUTPUT = hash(0xa1);
const OTHER_OUTPUT = hash(0xa2);
const NOT_INDEXED = hash(0xa3);
const MODEL = "5a000000-0000-4000-8000-000000000001";
const VERSION = "5a000000-0000-4000-8000-000000000002";
const INCIDENT = "5a000000-0000-4000-8000-000000000003";
const DISPUTE = "5a000000-0000-4000-8000-000000000004";
const NO_SUCH_UUID = "5a000000-0000-4000-8000-0000000000ff";
const INFERENCE = "og:10740:0x01:0:0";
const OTHER_INFERENCE = "og:10740:0x02:0:0";

let db: TestDatabase;
const r = {} as {
  nonce: typeof import("@/app/api/v1/auth/nonce/route");
  signIn: typeof import("@/app/api/v1/auth/sign-in/route");
  links: typeof import("@/app/api/v1/share-links/route");
  revoke: typeof import("@/app/api/v1/share-links/[id]/revoke/route");
  access: typeof import("@/lib/auth/read-access");
};
const cookies = {} as Record<"auditor" | "viewer", string>;
const sameSite = { origin: TEST_ORIGIN };

const sql = async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
  (await db.pool.query<T>(text, params)).rows;

/** Row counts of what a share-link action may write; equal before and after = nothing written. */
async function writes() {
  const [row] = await sql<Record<string, string>>(
    `SELECT (SELECT count(*) FROM share_link) AS links, (SELECT count(*) FROM audit_event) AS audit,
            (SELECT string_agg(id || coalesce(revoked_at::text, '-'), ',' ORDER BY id) FROM share_link) AS states`,
  );
  return row;
}

const expectNothingWritten = nothingWritten(writes);

const create = (body: unknown, cookie = cookies.auditor, headers: Record<string, string> = {}) =>
  callRoute(r.links.POST, {
    body,
    path: "/api/v1/share-links",
    headers: { ...sameSite, ...(cookie ? { cookie } : {}), ...headers },
  });

const list = (scopeType: string, scopeId: string, cookie = cookies.auditor) =>
  callRoute(r.links.GET, {
    method: "GET",
    contentType: null,
    path: `/api/v1/share-links?${new URLSearchParams({ scopeType, scopeId })}`,
    headers: cookie ? { cookie } : {},
  });

const revoke = (id: string, cookie = cookies.auditor, headers: Record<string, string> = sameSite) =>
  callRoute(r.revoke.POST, {
    path: `/api/v1/share-links/${id}/revoke`,
    params: { id },
    headers: { ...headers, ...(cookie ? { cookie } : {}) },
  });

/** What the proxy of a private deployment decides for this request. */
function decide(path: string, init: { token?: string; cookie?: string; method?: string } = {}) {
  const url = new URL(path, TEST_ORIGIN);
  if (init.token) url.searchParams.set("share", init.token);
  const headers: Record<string, string> = init.cookie ? { cookie: init.cookie } : {};
  return r.access.decideAccess(new Request(url, { method: init.method ?? "GET", headers }), false);
}

/** A link inserted directly (for states the API cannot make now: an expiry in the past). */
async function insertLink(args: { expiresAt: string; revokedAt?: string; scopeId?: string }) {
  const token = crypto.randomBytes(32).toString("base64url");
  const tokenHash = `0x${crypto.createHash("sha256").update(token).digest("hex")}`;
  await sql(
    `INSERT INTO share_link (token_hash, scope_type, scope_id, created_by, expires_at, revoked_at)
     VALUES ($1, 'output', $2, $3, $4, $5)`,
    [
      tokenHash,
      args.scopeId ?? OUTPUT,
      auditor.address.toLowerCase(),
      args.expiresAt,
      args.revokedAt ?? null,
    ],
  );
  return token;
}

beforeAll(async () => {
  db = await createTestDatabase();
  pointAppAtDatabase(db.url);
  await sql("INSERT INTO model (id, name, kind) VALUES ($1, 'llm:test/share', 'llm')", [MODEL]);
  await sql(
    "INSERT INTO model_version (id, model_id, label, key) VALUES ($1, $2, 'v1', 'cid:share')",
    [VERSION, MODEL],
  );
  for (const [id, output] of [
    [INFERENCE, OUTPUT],
    [OTHER_INFERENCE, OTHER_OUTPUT],
  ]) {
    await sql(
      `INSERT INTO inference (id, model_id, model_version_id, input_hash, output_hash, occurred_at)
       VALUES ($1, $2, $3, $4, $5, now())`,
      [id, MODEL, VERSION, hash(0x1), output],
    );
  }
  await sql(
    `INSERT INTO incident (id, model_id, bad_version_id, window_from, reason, statement)
     VALUES ($1, $2, $3, now() - interval '1 day', 'test rollback', '{}')`,
    [INCIDENT, MODEL, VERSION],
  );
  await sql(
    `INSERT INTO dispute (id, output_hash, opened_by, reason) VALUES ($1, $2, $3, 'wrong answer')`,
    [DISPUTE, OUTPUT, auditor.address.toLowerCase()],
  );
  Object.assign(r, {
    nonce: await import("@/app/api/v1/auth/nonce/route"),
    signIn: await import("@/app/api/v1/auth/sign-in/route"),
    links: await import("@/app/api/v1/share-links/route"),
    revoke: await import("@/app/api/v1/share-links/[id]/revoke/route"),
    access: await import("@/lib/auth/read-access"),
  });
  cookies.auditor = await signIn(r, auditor);
  cookies.viewer = await signIn(r, viewer);
  await sql("UPDATE app_user SET role = 'auditor' WHERE address = $1", [
    auditor.address.toLowerCase(),
  ]);
}, 60_000);

afterAll(async () => {
  await (await import("@/lib/db/client")).closeDb();
  await db?.close();
});

describe("POST /api/v1/share-links", () => {
  it("gives an auditor a link with a 256-bit random token, stored only as its hash, audited without it", async () => {
    const res = await create({
      scopeType: "output",
      scopeId: OUTPUT.toUpperCase().replace("0X", ""),
      expiresInHours: 24,
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const { id, url, token, expiresAt } = res.json as Record<string, string>;
    // 32 random bytes in base64url: 43 characters, 256 bits.
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token!, "base64url")).toHaveLength(32);
    expect(url).toBe(`${TEST_ORIGIN}/o/${OUTPUT}?share=${token}`);
    expect(Date.parse(expiresAt!) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    const [row] = await sql<Record<string, unknown>>("SELECT * FROM share_link WHERE id = $1", [
      id,
    ]);
    expect(row).toMatchObject({
      token_hash: `0x${crypto.createHash("sha256").update(token!).digest("hex")}`,
      scope_type: "output",
      scope_id: OUTPUT,
      created_by: auditor.address.toLowerCase(),
      revoked_at: null,
    });
    // The raw token is nowhere in the database; the hash is only in share_link.
    const dump = await sql<{ t: string }>(
      `SELECT string_agg(t, ' ') AS t FROM (
         SELECT row_to_json(s)::text AS t FROM share_link s
         UNION ALL SELECT row_to_json(a)::text FROM audit_event a
         UNION ALL SELECT row_to_json(c)::text FROM audit_checkpoint c) x`,
    );
    expect(dump[0]!.t).not.toContain(token);
    const [audit] = await sql<{ action: string; actor: string; payload: Record<string, unknown> }>(
      "SELECT action, actor, payload FROM audit_event WHERE subject_id = $1",
      [id],
    );
    expect(audit).toEqual({
      action: "share_link.create",
      actor: auditor.address.toLowerCase(),
      payload: { shareLinkId: id, scopeType: "output", scopeId: OUTPUT, expiresAt },
    });
    expect(JSON.stringify(audit)).not.toContain(String(row!.token_hash));
  });

  it("two links never share a token", async () => {
    const a = await create({ scopeType: "incident", scopeId: INCIDENT, expiresInHours: 1 });
    const b = await create({ scopeType: "incident", scopeId: INCIDENT, expiresInHours: 1 });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(a.json.token).not.toBe(b.json.token);
    const d = await create({ scopeType: "dispute", scopeId: DISPUTE, expiresInHours: 2160 });
    expect(d.status, JSON.stringify(d.json)).toBe(201);
    expect(d.json.url).toBe(`${TEST_ORIGIN}/disputes/${DISPUTE}?share=${String(d.json.token)}`);
  });

  it("refuses, writing nothing: no session, a viewer, a cross-site request, bad or unknown scopes, bad expiries", async () => {
    const body = { scopeType: "output", scopeId: OUTPUT, expiresInHours: 24 };
    await expectNothingWritten(() => create(body, ""), 401, /Sign in/);
    await expectNothingWritten(() => create(body, cookies.viewer), 403, /auditor role/);
    await expectNothingWritten(
      () => create(body, cookies.auditor, { origin: "https://evil.example" }),
      403,
      /Cross-site/,
    );
    await expectNothingWritten(
      () => create({ ...body, scopeId: NOT_INDEXED }),
      404,
      /No indexed inference produced output/,
    );
    await expectNothingWritten(
      () => create({ scopeType: "incident", scopeId: NO_SUCH_UUID, expiresInHours: 1 }),
      404,
      /No incident/,
    );
    await expectNothingWritten(
      () => create({ scopeType: "dispute", scopeId: NO_SUCH_UUID, expiresInHours: 1 }),
      404,
      /No dispute/,
    );
    await expectNothingWritten(
      () => create({ ...body, scopeId: "../models" }),
      422,
      /scopeId: must be an output hash/,
    );
    await expectNothingWritten(
      () => create({ scopeType: "incident", scopeId: OUTPUT, expiresInHours: 1 }),
      422,
      /scopeId: must be the id \(a UUID\) of an incident/,
    );
    await expectNothingWritten(() => create({ ...body, scopeType: "model" }), 422, /scopeType/);
    await expectNothingWritten(() => create({ ...body, expiresInHours: 0 }), 422, /expiresInHours/);
    await expectNothingWritten(
      () => create({ ...body, expiresInHours: 2161 }),
      422,
      /expiresInHours/,
    );
    await expectNothingWritten(
      () => create({ ...body, expiresInHours: 1.5 }),
      422,
      /expiresInHours/,
    );
    await expectNothingWritten(() => create({ ...body, extra: 1 }), 422);
  });
});

describe("GET /api/v1/share-links and POST …/revoke", () => {
  it("lists an output's links with their state and never a token; revokes once (409 the second time)", async () => {
    const created = await create({ scopeType: "output", scopeId: OUTPUT, expiresInHours: 1 });
    const id = String(created.json.id);
    const res = await list("output", OUTPUT.slice(2));
    expect(res.status).toBe(200);
    const links = res.json.links as Record<string, unknown>[];
    expect(links.length).toBeGreaterThanOrEqual(2);
    expect(links[0]).toMatchObject({ id, scopeType: "output", scopeId: OUTPUT, state: "active" });
    expect(JSON.stringify(res.json)).not.toContain(String(created.json.token));
    expect(Object.keys(links[0]!).sort()).toEqual(
      [
        "createdAt",
        "createdBy",
        "expiresAt",
        "id",
        "revokedAt",
        "scopeId",
        "scopeType",
        "state",
      ].sort(),
    );

    await expectNothingWritten(() => revoke(id, cookies.viewer), 403, /auditor role/);
    await expectNothingWritten(() => revoke(id, ""), 401);
    await expectNothingWritten(
      () => revoke(id, cookies.auditor, { origin: "https://evil.example" }),
      403,
      /Cross-site/,
    );
    await expectNothingWritten(() => revoke(NO_SUCH_UUID), 404, /No share link/);
    await expectNothingWritten(() => revoke("not-a-uuid"), 422, /id: must be a share link id/);

    const revoked = await revoke(id);
    expect(revoked.status, JSON.stringify(revoked.json)).toBe(200);
    expect(revoked.json.link).toMatchObject({ id, state: "revoked" });
    const [audit] = await sql<{ payload: Record<string, unknown> }>(
      "SELECT payload FROM audit_event WHERE subject_id = $1 AND action = 'share_link.revoke'",
      [id],
    );
    expect(audit!.payload).toMatchObject({ shareLinkId: id, scopeType: "output", scopeId: OUTPUT });
    await expectNothingWritten(() => revoke(id), 409, /already revoked/);

    const after = (await list("output", OUTPUT)).json.links as { id: string; state: string }[];
    expect(after.find((l) => l.id === id)?.state).toBe("revoked");
  });

  it("lists only for auditors, and answers 422 for a bad scope", async () => {
    expect((await list("output", OUTPUT, "")).status).toBe(401);
    expect((await list("output", OUTPUT, cookies.viewer)).status).toBe(403);
    const bad = await list("output", "nope");
    expect(bad.status).toBe(422);
    expect(String(bad.json.message)).toMatch(/scopeId/);
  });
});

describe("decideAccess() on a private deployment", () => {
  let outputToken: string;
  let incidentToken: string;

  beforeAll(async () => {
    outputToken = String(
      (await create({ scopeType: "output", scopeId: OUTPUT, expiresInHours: 1 })).json.token,
    );
    incidentToken = String(
      (await create({ scopeType: "incident", scopeId: INCIDENT, expiresInHours: 1 })).json.token,
    );
  });

  it("lets everything through when the deployment is public", async () => {
    const request = new Request(`${TEST_ORIGIN}/audit`);
    expect(await r.access.decideAccess(request, true)).toEqual({ allowed: true, via: "public" });
  });

  it("denies a visitor with neither session nor token (401), but not sign-in or assets", async () => {
    for (const path of [
      "/",
      "/models",
      `/o/${OUTPUT}`,
      "/api/v1/models",
      `/api/v1/outputs/${OUTPUT}`,
    ]) {
      expect(await decide(path), path).toMatchObject({
        allowed: false,
        status: 401,
        problem: "private",
      });
    }
    for (const path of [
      "/api/v1/auth/nonce",
      "/api/health",
      "/_next/static/x.js",
      "/api/v1/openapi.json",
    ]) {
      expect(await decide(path), path).toMatchObject({ allowed: true, via: "open_path" });
    }
  });

  it("lets any signed-in role read everything", async () => {
    expect(await decide("/audit", { cookie: cookies.viewer })).toMatchObject({
      allowed: true,
      via: "session",
    });
  });

  it("lets a token read its output's page, API, bundle and that output's inferences", async () => {
    for (const path of [
      `/o/${OUTPUT}`,
      `/o/${OUTPUT}/opengraph-image`,
      `/api/v1/outputs/${OUTPUT}`,
      `/api/v1/outputs/${OUTPUT}/bundle`,
      `/inferences/${encodeURIComponent(INFERENCE)}`,
      `/api/v1/inferences/${encodeURIComponent(INFERENCE)}`,
    ]) {
      expect(await decide(path, { token: outputToken }), path).toMatchObject({
        allowed: true,
        via: "share",
      });
    }
    const head = await decide(`/o/${OUTPUT}`, { token: outputToken, method: "HEAD" });
    expect(head.allowed).toBe(true);
    // The API also takes the token as a header.
    const viaHeader = await r.access.decideAccess(
      new Request(`${TEST_ORIGIN}/api/v1/outputs/${OUTPUT}`, {
        headers: { "x-share-token": outputToken },
      }),
      false,
    );
    expect(viaHeader).toMatchObject({ allowed: true, via: "share" });
  });

  it("grants nothing beyond the scope: other outputs and inferences, lists, the audit log, writes", async () => {
    for (const path of [
      `/o/${OTHER_OUTPUT}`,
      `/api/v1/outputs/${OTHER_OUTPUT}`,
      `/inferences/${encodeURIComponent(OTHER_INFERENCE)}`,
      `/api/v1/inferences/${encodeURIComponent(OTHER_INFERENCE)}`,
      "/inferences/no-such-inference",
      "/api/v1/inferences",
      "/models",
      "/api/v1/models",
      "/audit",
      "/api/v1/audit",
      "/api/v1/events",
      `/search`,
      "/",
      `/incidents/${INCIDENT}`,
      `/disputes/${DISPUTE}`,
      `/o/${OUTPUT}/../../models`,
      `/o/${OUTPUT}%2F..%2F..%2Fmodels`,
      `/o/${OUTPUT}x`,
      `/o/${OUTPUT}/`,
    ]) {
      const decision = await decide(path, { token: outputToken });
      expect(decision, path).toMatchObject({
        allowed: false,
        status: 403,
        problem: "out_of_scope",
        opens: { href: `/o/${OUTPUT}?share=${outputToken}` },
      });
      expect(decision.allowed ? "" : decision.message).toMatch(/^This link only opens output 0x/);
    }
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      expect(await decide(`/o/${OUTPUT}`, { token: outputToken, method }), method).toMatchObject({
        allowed: false,
        status: 403,
        problem: "read_only",
      });
    }
    // An incident link: its blast radius reads, not its recompute, not another incident.
    expect(
      await decide(`/api/v1/incidents/${INCIDENT}/blast-radius/rows`, { token: incidentToken }),
    ).toMatchObject({ allowed: true });
    expect(
      await decide(`/api/v1/incidents/${INCIDENT}/blast-radius`, {
        token: incidentToken,
        method: "POST",
      }),
    ).toMatchObject({ allowed: false, status: 403 });
    expect(await decide(`/incidents/${NO_SUCH_UUID}`, { token: incidentToken })).toMatchObject({
      allowed: false,
      status: 403,
    });
    expect(await decide(`/o/${OUTPUT}`, { token: incidentToken })).toMatchObject({
      allowed: false,
      status: 403,
    });
  });

  it("answers 404 for an unknown token and 410 for an expired or revoked link, naming the date", async () => {
    const unknown = crypto.randomBytes(32).toString("base64url");
    for (const token of [unknown, "short", `${outputToken}x`]) {
      expect(await decide(`/o/${OUTPUT}`, { token }), token).toMatchObject({
        allowed: false,
        status: 404,
        problem: "unknown_link",
        message: expect.stringMatching(/^This link is not valid/),
      });
    }
    const expired = await insertLink({ expiresAt: "2026-01-02T03:04:05.000Z" });
    expect(await decide(`/o/${OUTPUT}`, { token: expired })).toMatchObject({
      allowed: false,
      status: 410,
      problem: "expired_link",
      message: "This link expired on 2026-01-02 03:04:05 UTC.",
    });
    const revoked = await insertLink({
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      revokedAt: "2026-02-03T04:05:06.000Z",
    });
    expect(await decide(`/o/${OUTPUT}`, { token: revoked })).toMatchObject({
      allowed: false,
      status: 410,
      problem: "revoked_link",
      message: "This link was revoked on 2026-02-03 04:05:06 UTC.",
    });
  });

  it("checks the link on every request: a revocation applies to the next one", async () => {
    const created = await create({ scopeType: "output", scopeId: OUTPUT, expiresInHours: 1 });
    const token = String(created.json.token);
    expect((await decide(`/o/${OUTPUT}`, { token })).allowed).toBe(true);
    expect((await revoke(String(created.json.id))).status).toBe(200);
    expect(await decide(`/o/${OUTPUT}`, { token })).toMatchObject({ status: 410 });
    // An expiry moved into the past (as time would) applies at once too.
    const other = await create({ scopeType: "output", scopeId: OUTPUT, expiresInHours: 1 });
    await sql("UPDATE share_link SET expires_at = now() - interval '1 second' WHERE id = $1", [
      other.json.id,
    ]);
    expect(await decide(`/o/${OUTPUT}`, { token: String(other.json.token) })).toMatchObject({
      status: 410,
      problem: "expired_link",
    });
  });
});
