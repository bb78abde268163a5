import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { DisputeDetail, DisputePage } from "@/lib/api/schemas/disputes";
import { signIn, TEST_ORIGIN } from "../helpers/auth";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { callGet, callRoute, pointAppAtDatabase } from "../helpers/route";
import { hash32 } from "./schema-fixtures";
import { nothingWritten } from "../helpers/writes";

const admin = privateKeyToAccount(generatePrivateKey());
const operator = privateKeyToAccount(generatePrivateKey());
const auditor = privateKeyToAccount(generatePrivateKey());
const viewer = privateKeyToAccount(generatePrivateKey());

/** Produced by one inference, by two, and by none that is indexed. */
const SINGLE = hash32(0x51);
const DOUBLE = hash32(0x52);
const UNKNOWN = hash32(0x53);
const GPT = "llm:openai/gpt-4.1";

let db: TestDatabase;
let incidentId: string;
const r = {} as {
  nonce: typeof import("@/app/api/v1/auth/nonce/route");
  signIn: typeof import("@/app/api/v1/auth/sign-in/route");
  role: typeof import("@/app/api/v1/users/[address]/role/route");
  list: typeof import("@/app/api/v1/disputes/route");
  one: typeof import("@/app/api/v1/disputes/[id]/route");
  comments: typeof import("@/app/api/v1/disputes/[id]/comments/route");
  status: typeof import("@/app/api/v1/disputes/[id]/status/route");
  incident: typeof import("@/app/api/v1/disputes/[id]/incident/route");
  verify: typeof import("@/app/api/v1/audit/verify/route");
};
const cookies = {} as Record<"admin" | "operator" | "auditor" | "viewer", string>;

const sql = async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
  (await db.pool.query<T>(text, params)).rows;

/** A write from this app's origin (unless `headers` says otherwise) with `who`'s cookie. */
function send<C>(
  handler: (request: Request, context: C) => Promise<Response>,
  args: {
    who?: keyof typeof cookies;
    id?: string;
    body?: unknown;
    rawBody?: string;
    method?: string;
    headers?: Record<string, string>;
  },
) {
  return callRoute(handler, {
    method: args.method,
    body: args.body,
    rawBody: args.rawBody,
    params: args.id ? { id: args.id } : {},
    headers: {
      origin: TEST_ORIGIN,
      ...(args.who ? { cookie: cookies[args.who] } : {}),
      ...args.headers,
    },
  });
}

/** Everything a dispute action may write; equal before and after = nothing written. */
async function writes() {
  const [row] = await sql<Record<string, string>>(
    `SELECT (SELECT count(*) FROM dispute) AS disputes, (SELECT count(*) FROM dispute_comment) AS entries,
            (SELECT count(*) FROM audit_event) AS audit,
            (SELECT string_agg(concat_ws('/', id, status, incident_id, updated_at), ',' ORDER BY id)
               FROM dispute) AS states`,
  );
  return row;
}

const expectNothingWritten = nothingWritten(writes);

const auditFor = (id: string) =>
  sql<{ action: string; actor: string; payload: Record<string, unknown> }>(
    "SELECT action, actor, payload FROM audit_event WHERE subject_type = 'dispute' AND subject_id = $1 ORDER BY seq",
    [id],
  );

const get = async (id: string) =>
  (await callGet(r.one.GET as never, `/api/v1/disputes/${id}`, { id })).json
    .dispute as DisputeDetail;

const list = async (query: string) =>
  (await callGet(r.list.GET as never, `/api/v1/disputes?${query}`)).json as unknown as DisputePage;

beforeAll(async () => {
  db = await createTestDatabase();
  pointAppAtDatabase(db.url, {
    ADMIN_ADDRESSES: admin.address,
    AUDIT_SIGNING_KEY: generatePrivateKey(),
    AUDIT_CHECKPOINT_EVERY: "4",
  });
  Object.assign(r, {
    nonce: await import("@/app/api/v1/auth/nonce/route"),
    signIn: await import("@/app/api/v1/auth/sign-in/route"),
    role: await import("@/app/api/v1/users/[address]/role/route"),
    list: await import("@/app/api/v1/disputes/route"),
    one: await import("@/app/api/v1/disputes/[id]/route"),
    comments: await import("@/app/api/v1/disputes/[id]/comments/route"),
    status: await import("@/app/api/v1/disputes/[id]/status/route"),
    incident: await import("@/app/api/v1/disputes/[id]/incident/route"),
    verify: await import("@/app/api/v1/audit/verify/route"),
  });
  // The indexed evidence a dispute needs: a model, two versions, three inferences, an incident.
  const [model] = await sql<{ id: string }>(
    "INSERT INTO model (name, kind) VALUES ($1, 'llm') RETURNING id",
    [GPT],
  );
  const [good, bad] = await sql<{ id: string }>(
    `INSERT INTO model_version (model_id, label, key) VALUES ($1, 'v1.0.0', 'cid:good'), ($1, 'v1.1.0', 'cid:bad')
     RETURNING id`,
    [model!.id],
  );
  await sql(
    `INSERT INTO inference (id, model_id, model_version_id, input_hash, output_hash, occurred_at) VALUES
       ('inf_single', $1, $3, $4, $5, '2026-02-05T12:00:00Z'),
       ('inf_double_a', $1, $2, $4, $6, '2026-02-05T12:01:00Z'),
       ('inf_double_b', $1, $3, $7, $6, '2026-02-05T12:02:00Z')`,
    [model!.id, good!.id, bad!.id, hash32(0x1a), SINGLE, DOUBLE, hash32(0x1b)],
  );
  [{ id: incidentId }] = (await sql<{ id: string }>(
    `INSERT INTO incident (model_id, bad_version_id, rolled_back_to_version_id, window_from, reason, statement)
     VALUES ($1, $2, $3, '2026-02-01T00:00:00Z', 'v1.1.0 revoked', '{}') RETURNING id`,
    [model!.id, bad!.id, good!.id],
  )) as [{ id: string }];

  for (const name of ["admin", "operator", "auditor", "viewer"] as const) {
    cookies[name] = await signIn(r, { admin, operator, auditor, viewer }[name]);
  }
  for (const [account, role] of [
    [operator, "operator"],
    [auditor, "auditor"],
  ] as const) {
    const res = await callRoute(r.role.PUT, {
      method: "PUT",
      headers: { origin: TEST_ORIGIN, cookie: cookies.admin },
      params: { address: account.address },
      body: { role },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  }
}, 120_000);

afterAll(async () => {
  await (await import("@/lib/db/client")).closeDb();
  await db?.close();
});

describe("disputes", () => {
  let id: string;
  const reason =
    "  The answer cites a **revoked** runtime; see https://status.example.org/x\n\n<script>alert(1)</script>  ";
  const comment = `Agreed. cc @${operator.address}\n\n- the receipt\n- the settlement`;

  it("an auditor opens a dispute on an indexed output; the reason is stored trimmed and audited as stored", async () => {
    const res = await send(r.list.POST, {
      who: "auditor",
      body: { outputHash: SINGLE.slice(2).toUpperCase(), reason },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const dispute = res.json.dispute as DisputeDetail;
    id = dispute.id;
    expect(dispute).toMatchObject({
      outputHash: SINGLE,
      inferenceId: "inf_single",
      openedBy: auditor.address.toLowerCase(),
      reason: reason.trim(),
      status: "open",
      incident: null,
      thread: [],
      allowedMoves: ["under_review"],
      models: [GPT],
      inferences: [{ id: "inf_single", model: GPT, version: "v1.1.0" }],
    });
    expect(await auditFor(id)).toEqual([
      {
        action: "dispute.open",
        actor: auditor.address.toLowerCase(),
        payload: {
          disputeId: id,
          outputHash: SINGLE,
          inferenceId: "inf_single",
          reason: reason.trim(),
        },
      },
    ]);
  });

  it("stores no inference when several produced the output", async () => {
    const res = await send(r.list.POST, {
      who: "operator",
      body: { outputHash: DOUBLE, reason: "Two enclaves answered the same bytes?" },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const dispute = res.json.dispute as DisputeDetail;
    expect(dispute.inferenceId).toBeNull();
    expect(dispute.inferences.map((i) => [i.id, i.version])).toEqual([
      ["inf_double_a", "v1.0.0"],
      ["inf_double_b", "v1.1.0"],
    ]);
  });

  it("threads a comment, two status changes with notes and an incident link, each audited with the stored text", async () => {
    const c = await send(r.comments.POST, { who: "auditor", id, body: { body: comment } });
    expect(c.status, JSON.stringify(c.json)).toBe(201);
    const review = await send(r.status.POST, {
      who: "operator",
      id,
      body: { status: "under_review", note: "Looking at the receipt." },
    });
    expect(review.status, JSON.stringify(review.json)).toBe(200);
    const link = await send(r.incident.PUT, {
      who: "operator",
      id,
      method: "PUT",
      body: { incidentId, note: "Served by v1.1.0 inside the incident window." },
    });
    expect(link.status, JSON.stringify(link.json)).toBe(200);
    const upheld = await send(r.status.POST, {
      who: "admin",
      id,
      body: { status: "upheld", note: " Confirmed: **wrong** answer. " },
    });
    expect(upheld.status, JSON.stringify(upheld.json)).toBe(200);

    const dispute = await get(id);
    expect(dispute.status).toBe("upheld");
    expect(dispute.incident).toMatchObject({ id: incidentId, model: GPT, badVersion: "v1.1.0" });
    expect(dispute.allowedMoves).toEqual(["under_review"]);
    expect(dispute.comments).toBe(1);
    expect(
      dispute.thread.map((e) => [e.kind, e.statusFrom, e.statusTo, e.incidentId, e.body]),
    ).toEqual([
      ["comment", null, null, null, comment],
      ["status_change", "open", "under_review", null, "Looking at the receipt."],
      ["incident_link", null, null, incidentId, "Served by v1.1.0 inside the incident window."],
      ["status_change", "under_review", "upheld", null, "Confirmed: **wrong** answer."],
    ]);
    const [first, second, third, fourth] = dispute.thread;
    const events = await auditFor(id);
    expect(events.map((e) => [e.action, e.actor])).toEqual([
      ["dispute.open", auditor.address.toLowerCase()],
      ["dispute.comment", auditor.address.toLowerCase()],
      ["dispute.status", operator.address.toLowerCase()],
      ["dispute.link_incident", operator.address.toLowerCase()],
      ["dispute.status", admin.address.toLowerCase()],
    ]);
    expect(events.slice(1).map((e) => e.payload)).toEqual([
      { disputeId: id, commentId: first!.id, body: first!.body },
      {
        disputeId: id,
        commentId: second!.id,
        from: "open",
        to: "under_review",
        note: second!.body,
      },
      { disputeId: id, commentId: third!.id, from: null, incidentId, note: third!.body },
      {
        disputeId: id,
        commentId: fourth!.id,
        from: "under_review",
        to: "upheld",
        note: fourth!.body,
      },
    ]);
    const verified = await callGet(r.verify.GET as never, "/api/v1/audit/verify");
    expect(verified.json).toMatchObject({ ok: true, firstBroken: null, checkpointProblems: [] });
    expect(Number(verified.json.checkpoints)).toBeGreaterThan(0);
  });

  it("unlinks the incident with a note, and a decided dispute can be reopened", async () => {
    const other = (await list(`output=${DOUBLE}`)).disputes[0]!.id;
    const unlink = await send(r.incident.PUT, {
      who: "operator",
      id: other,
      method: "PUT",
      body: { incidentId, note: "Same window." },
    });
    expect(unlink.status).toBe(200);
    const res = await send(r.incident.PUT, {
      who: "operator",
      id: other,
      method: "PUT",
      body: { incidentId: null, note: "Wrong incident after all." },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect((res.json.dispute as DisputeDetail).incident).toBeNull();
    expect((await auditFor(other)).at(-1)!.payload).toMatchObject({
      from: incidentId,
      incidentId: null,
    });
    await send(r.status.POST, {
      who: "operator",
      id: other,
      body: { status: "under_review", note: "a" },
    });
    await send(r.status.POST, {
      who: "operator",
      id: other,
      body: { status: "rejected", note: "b" },
    });
    const reopened = await send(r.status.POST, {
      who: "operator",
      id: other,
      body: { status: "under_review", note: "New evidence." },
    });
    expect(reopened.status, JSON.stringify(reopened.json)).toBe(200);
  });

  it("lists with filters: status, model, opener, mention, incident, output; newest activity first; pages by cursor", async () => {
    const all = await list("");
    expect(all.disputes.map((d) => d.outputHash)).toEqual([DOUBLE, SINGLE]);
    expect(all.counts).toEqual({ open: 0, under_review: 1, upheld: 1, rejected: 0 });
    expect((await list("status=upheld")).disputes.map((d) => d.id)).toEqual([id]);
    expect((await list("status=upheld")).counts.under_review).toBe(1);
    expect((await list(`model=${encodeURIComponent(GPT)}`)).disputes).toHaveLength(2);
    expect((await list("model=llm%3Aother")).disputes).toHaveLength(0);
    expect((await list(`openedBy=${auditor.address}`)).disputes.map((d) => d.id)).toEqual([id]);
    expect(
      (await list(`mentions=${operator.address.toUpperCase().replace("0X", "0x")}`)).disputes.map(
        (d) => d.id,
      ),
    ).toEqual([id]);
    expect((await list(`mentions=${auditor.address}`)).disputes).toHaveLength(0);
    expect((await list(`incident=${incidentId}`)).disputes.map((d) => d.id)).toEqual([id]);
    const first = await list("limit=1");
    expect(first.disputes).toHaveLength(1);
    const second = await list(`limit=1&cursor=${first.nextCursor}`);
    expect(second.disputes.map((d) => d.id)).toEqual([id]);
    expect(second.nextCursor).toBeNull();
    const bad = await callGet(r.list.GET as never, "/api/v1/disputes?status=closed");
    expect(bad.status).toBe(422);
    expect(bad.json.message).toMatch(/^status:/);
  });
});

describe("disputes refuse, and write nothing", () => {
  let id: string;
  beforeAll(async () => {
    id = (await list(`output=${SINGLE}`)).disputes[0]!.id;
  });
  const open = { outputHash: SINGLE, reason: "Wrong." };

  it("signed out, as a viewer, or from another site", async () => {
    await expectNothingWritten(() => send(r.list.POST, { body: open }), 401, /Sign in/);
    await expectNothingWritten(
      () => send(r.comments.POST, { id, body: { body: "hi" } }),
      401,
      /Sign in/,
    );
    await expectNothingWritten(
      () => send(r.list.POST, { who: "viewer", body: open }),
      403,
      /auditor role/,
    );
    await expectNothingWritten(
      () => send(r.comments.POST, { who: "viewer", id, body: { body: "hi" } }),
      403,
      /auditor role/,
    );
    for (const headers of [
      { origin: "https://evil.example" },
      { origin: "http://localhost:4000" },
    ]) {
      await expectNothingWritten(
        () => send(r.list.POST, { who: "auditor", body: open, headers }),
        403,
        /Cross-site/,
      );
      await expectNothingWritten(
        () =>
          send(r.status.POST, {
            who: "operator",
            id,
            body: { status: "under_review", note: "x" },
            headers,
          }),
        403,
        /Cross-site/,
      );
    }
  });

  it("an auditor changing status or linking an incident", async () => {
    await expectNothingWritten(
      () =>
        send(r.status.POST, { who: "auditor", id, body: { status: "under_review", note: "x" } }),
      403,
      /operator role/,
    );
    await expectNothingWritten(
      () =>
        send(r.incident.PUT, {
          who: "auditor",
          id,
          method: "PUT",
          body: { incidentId: null, note: "x" },
        }),
      403,
      /operator role/,
    );
  });

  it("a move the state machine does not allow names the allowed ones (409)", async () => {
    await expectNothingWritten(
      () => send(r.status.POST, { who: "operator", id, body: { status: "rejected", note: "x" } }),
      409,
      /upheld cannot move to rejected; it can move to under review/,
    );
    await expectNothingWritten(
      () => send(r.status.POST, { who: "operator", id, body: { status: "upheld", note: "x" } }),
      409,
      /already upheld/,
    );
    await expectNothingWritten(
      () =>
        send(r.incident.PUT, {
          who: "operator",
          id,
          method: "PUT",
          body: { incidentId, note: "x" },
        }),
      409,
      /already linked/,
    );
  });

  it("an output nothing indexed produced, an unknown dispute, an unknown incident (404/422)", async () => {
    await expectNothingWritten(
      () => send(r.list.POST, { who: "auditor", body: { ...open, outputHash: UNKNOWN } }),
      404,
      /No indexed inference produced output 0x0+53/,
    );
    const unknown = "00000000-0000-4000-8000-000000000000";
    await expectNothingWritten(
      () => send(r.comments.POST, { who: "auditor", id: unknown, body: { body: "hi" } }),
      404,
      /No dispute/,
    );
    await expectNothingWritten(
      () =>
        send(r.status.POST, {
          who: "operator",
          id: unknown,
          body: { status: "under_review", note: "x" },
        }),
      404,
    );
    expect(
      (await callGet(r.one.GET as never, `/api/v1/disputes/${unknown}`, { id: unknown })).status,
    ).toBe(404);
    expect(
      (await callGet(r.one.GET as never, "/api/v1/disputes/nope", { id: "nope" })).status,
    ).toBe(422);
    await expectNothingWritten(
      () =>
        send(r.incident.PUT, {
          who: "operator",
          id,
          method: "PUT",
          body: { incidentId: unknown, note: "x" },
        }),
      422,
      /^incidentId: no incident/,
    );
  });

  it("empty, blank, missing, too long or oversized texts, and malformed bodies (422/413/400/415)", async () => {
    for (const [body, message] of [
      [{ ...open, reason: "" }, /^reason: must not be empty/],
      [{ ...open, reason: " \n\t " }, /^reason: must not be empty/],
      [{ outputHash: SINGLE }, /^reason: is required/],
      [{ ...open, reason: "x".repeat(10_001) }, /^reason: must be at most 10000 characters/],
      [{ ...open, outputHash: "0x1234" }, /^outputHash: must be 32 bytes/],
      [{ ...open, extra: 1 }, /extra/],
    ] as const) {
      await expectNothingWritten(() => send(r.list.POST, { who: "auditor", body }), 422, message);
    }
    await expectNothingWritten(
      () => send(r.list.POST, { who: "auditor", body: { ...open, reason: "é".repeat(20_000) } }),
      413,
    );
    await expectNothingWritten(
      () => send(r.comments.POST, { who: "auditor", id, body: { body: "   " } }),
      422,
      /^body: must not be empty/,
    );
    await expectNothingWritten(
      () => send(r.status.POST, { who: "operator", id, body: { status: "under_review" } }),
      422,
      /^note: is required/,
    );
    await expectNothingWritten(
      () =>
        send(r.status.POST, { who: "operator", id, body: { status: "under_review", note: " " } }),
      422,
      /^note: must not be empty/,
    );
    await expectNothingWritten(
      () => send(r.status.POST, { who: "operator", id, body: { status: "closed", note: "x" } }),
      422,
      /^status: must be one of open, under_review, upheld, rejected/,
    );
    await expectNothingWritten(
      () => send(r.incident.PUT, { who: "operator", id, method: "PUT", body: { incidentId } }),
      422,
      /^note: is required/,
    );
    await expectNothingWritten(
      () => send(r.comments.POST, { who: "auditor", id, rawBody: "{not json" }),
      400,
    );
    await expectNothingWritten(
      () => send(r.comments.POST, { who: "auditor", id, body: { body: "a\u0000b" } }),
      422,
    );
  });
});
