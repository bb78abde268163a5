import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hex, LocalAccount } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { incidentTypedData, type IncidentStatement } from "@/lib/evidence/incident-statement";
import { signIn, siweMessage, TEST_ORIGIN } from "../helpers/auth";
import { callGet, callRoute } from "../helpers/route";
import { playStoryIntoTestDatabase, type PlayedStory } from "../helpers/story";
import { v110BlastAnswer } from "../helpers/story-answer-key";
import { nothingWritten } from "../helpers/writes";

const SEED = process.env.OPERATORS_SEED ?? "operators";
const REQUESTS = Number(process.env.OPERATORS_REQUESTS ?? 160);
const GPT = "llm:openai/gpt-4.1";
const CLAUDE = "llm:anthropic/claude-haiku-4-5";
const AUDIT_KEY = generatePrivateKey();

const admin = privateKeyToAccount(generatePrivateKey());
const operator = privateKeyToAccount(generatePrivateKey());
const auditor = privateKeyToAccount(generatePrivateKey());
const viewer = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());

// Read once by lib/env: set before anything imports it.
process.env.ADMIN_ADDRESSES = admin.address;
process.env.AUDIT_SIGNING_KEY = AUDIT_KEY;
process.env.AUDIT_CHECKPOINT_EVERY = "5";

let story: PlayedStory;
const r = {} as {
  nonce: typeof import("@/app/api/v1/auth/nonce/route");
  signIn: typeof import("@/app/api/v1/auth/sign-in/route");
  signOut: typeof import("@/app/api/v1/auth/sign-out/route");
  session: typeof import("@/app/api/v1/auth/session/route");
  role: typeof import("@/app/api/v1/users/[address]/role/route");
  incidents: typeof import("@/app/api/v1/incidents/route");
  statement: typeof import("@/app/api/v1/incidents/statement/route");
  blast: typeof import("@/app/api/v1/incidents/[id]/blast-radius/route");
  exportRoute: typeof import("@/app/api/v1/incidents/[id]/blast-radius/export/route");
  verify: typeof import("@/app/api/v1/audit/verify/route");
};
const cookies = {} as Record<"admin" | "operator" | "auditor" | "viewer", string>;
const sameSite = { origin: TEST_ORIGIN };

const sql = async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
  (await story.db.pool.query<T>(text, params)).rows;

/** Row counts of everything a human action may write; equal before and after = nothing written. */
async function writes() {
  const [row] = await sql<Record<string, string>>(
    `SELECT (SELECT count(*) FROM incident) AS incidents, (SELECT count(*) FROM blast_radius) AS blast,
            (SELECT count(*) FROM audit_event) AS audit, (SELECT count(*) FROM session) AS sessions,
            (SELECT count(*) FROM app_user) AS users, (SELECT count(*) FROM auth_nonce WHERE used_at IS NOT NULL) AS spent,
            (SELECT string_agg(address || role, ',' ORDER BY address) FROM app_user) AS roles`,
  );
  return row;
}

const expectNothingWritten = nothingWritten(writes);

const post = <C>(
  handler: (request: Request, context: C) => Promise<Response>,
  args: {
    cookie?: string;
    body?: unknown;
    headers?: Record<string, string>;
    rawBody?: string;
    params?: Record<string, string>;
  },
) =>
  callRoute(handler, {
    body: args.body,
    rawBody: args.rawBody,
    params: args.params,
    headers: { ...sameSite, ...(args.cookie ? { cookie: args.cookie } : {}), ...args.headers },
  });

async function proposalFor(model: string) {
  const [row] = await sql<{ id: string; key: string; back: string | null; from: Date; to: Date }>(
    `SELECT i.id, mv.key, back.key AS back, i.window_from AS from, i.window_to AS to
       FROM incident i JOIN model m ON m.id = i.model_id JOIN model_version mv ON mv.id = i.bad_version_id
       LEFT JOIN model_version back ON back.id = i.rolled_back_to_version_id
      WHERE m.name = $1 AND i.status = 'proposed'`,
    [model],
  );
  return row!;
}

async function prepare(cookie: string, draft: Record<string, unknown>) {
  const res = await post(r.statement.POST, { cookie, body: draft });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json.statement as IncidentStatement;
}

const sign = (account: LocalAccount, statement: IncidentStatement) =>
  account.signTypedData(incidentTypedData(statement));

async function confirmDraft(model = GPT) {
  const p = await proposalFor(model);
  return {
    action: "confirm",
    model,
    badVersion: p.key,
    rolledBackTo: p.back ?? undefined,
    window: { kind: "time", from: p.from.toISOString(), to: p.to.toISOString() },
    reason: "v1.1.0 returned wrong answers; revoked on chain.",
    evidenceLinks: ["https://status.example.org/postmortem"],
    supersedes: p.id,
    chainId: 10740,
  };
}

beforeAll(async () => {
  story = await playStoryIntoTestDatabase(SEED, REQUESTS);
  const { runIndexer } = await import("@/lib/indexer");
  await runIndexer({ pool: story.db.pool, config: story.devnet.sources, mode: "until-head" });
  Object.assign(r, {
    nonce: await import("@/app/api/v1/auth/nonce/route"),
    signIn: await import("@/app/api/v1/auth/sign-in/route"),
    signOut: await import("@/app/api/v1/auth/sign-out/route"),
    session: await import("@/app/api/v1/auth/session/route"),
    role: await import("@/app/api/v1/users/[address]/role/route"),
    incidents: await import("@/app/api/v1/incidents/route"),
    statement: await import("@/app/api/v1/incidents/statement/route"),
    blast: await import("@/app/api/v1/incidents/[id]/blast-radius/route"),
    exportRoute: await import("@/app/api/v1/incidents/[id]/blast-radius/export/route"),
    verify: await import("@/app/api/v1/audit/verify/route"),
  });
  for (const [name, account] of [
    ["admin", admin],
    ["operator", operator],
    ["auditor", auditor],
    ["viewer", viewer],
  ] as const) {
    cookies[name] = await signIn(r, account);
  }
  for (const [account, role] of [
    [operator, "operator"],
    [auditor, "auditor"],
  ] as const) {
    const res = await callRoute(r.role.PUT, {
      method: "PUT",
      headers: { ...sameSite, cookie: cookies.admin },
      params: { address: account.address },
      body: { role },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
  }
}, 300_000);

afterAll(async () => {
  await story?.stop();
});

describe(`sign-in with Ethereum (seed ${SEED})`, () => {
  it("gives a session cookie that is httpOnly, SameSite=Lax and expires, and knows the roles", async () => {
    const res = await callGet(r.session.GET as never, "/api/v1/auth/session");
    expect(res.json).toEqual({ user: null });
    const request = new Request(`${TEST_ORIGIN}/api/v1/auth/session`, {
      headers: { cookie: cookies.operator },
    });
    const me = await (await r.session.GET(request, {})).json();
    expect(me.user).toMatchObject({ address: operator.address.toLowerCase(), role: "operator" });
    const [admins] = await sql<{ role: string }>("SELECT role FROM app_user WHERE address = $1", [
      admin.address.toLowerCase(),
    ]);
    expect(admins!.role).toBe("admin");
    const headers = { origin: TEST_ORIGIN };
    const nonce = await callRoute(r.nonce.POST, { headers });
    const message = siweMessage(stranger, nonce.json.nonce as string);
    const ok = await post(r.signIn.POST, {
      body: { message, signature: await stranger.signMessage({ message }) },
    });
    expect(ok.status).toBe(201);
    const cookie = ok.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=\d+/);
    expect(cookie).not.toMatch(/Secure/); // http://localhost only
  });

  it("refuses a reused nonce, a wrong domain, another chain, and a signature by another address", async () => {
    const nonce = async () =>
      (await callRoute(r.nonce.POST, { headers: sameSite })).json.nonce as string;
    const reused = await nonce();
    const first = siweMessage(stranger, reused);
    expect(
      (
        await post(r.signIn.POST, {
          body: { message: first, signature: await stranger.signMessage({ message: first }) },
        })
      ).status,
    ).toBe(201);
    const again = siweMessage(stranger, reused);
    await expectNothingWritten(
      async () =>
        post(r.signIn.POST, {
          body: { message: again, signature: await stranger.signMessage({ message: again }) },
        }),
      401,
      /already used|unknown|expired/,
    );
    const wrongDomain = siweMessage(stranger, await nonce(), { domain: "evil.example" });
    await expectNothingWritten(
      async () =>
        post(r.signIn.POST, {
          body: {
            message: wrongDomain,
            signature: await stranger.signMessage({ message: wrongDomain }),
          },
        }),
      401,
      /evil\.example/,
    );
    const wrongChain = siweMessage(stranger, await nonce(), { chainId: 1 });
    await expectNothingWritten(
      async () =>
        post(r.signIn.POST, {
          body: {
            message: wrongChain,
            signature: await stranger.signMessage({ message: wrongChain }),
          },
        }),
      401,
      /chain/,
    );
    const claimed = siweMessage(admin, await nonce());
    await expectNothingWritten(
      async () =>
        post(r.signIn.POST, {
          body: { message: claimed, signature: await stranger.signMessage({ message: claimed }) },
        }),
      401,
      /not by/,
    );
  });

  it("refuses an expired nonce", async () => {
    const n = (await callRoute(r.nonce.POST, { headers: sameSite })).json.nonce as string;
    await sql("UPDATE auth_nonce SET expires_at = now() - interval '1 second' WHERE nonce = $1", [
      n,
    ]);
    const message = siweMessage(stranger, n);
    await expectNothingWritten(
      async () =>
        post(r.signIn.POST, {
          body: { message, signature: await stranger.signMessage({ message }) },
        }),
      401,
      /expired/,
    );
  });

  it("refuses a cross-site sign-in and a malformed or oversized body", async () => {
    await expectNothingWritten(
      () =>
        post(r.signIn.POST, {
          body: { message: "x", signature: "0x00" },
          headers: { origin: "https://evil.example" },
        }),
      403,
      /Cross-site/,
    );
    await expectNothingWritten(() => post(r.signIn.POST, { rawBody: "{not json" }), 400);
    await expectNothingWritten(() => post(r.signIn.POST, { body: { message: 5 } }), 422);
    await expectNothingWritten(
      () =>
        post(r.signIn.POST, {
          rawBody: JSON.stringify({ message: "a".repeat(20_000), signature: "0x00" }),
        }),
      413,
    );
  });

  it("lets only an admin change roles, and records who did", async () => {
    await expectNothingWritten(
      () =>
        callRoute(r.role.PUT, {
          method: "PUT",
          headers: { ...sameSite, cookie: cookies.operator },
          params: { address: viewer.address },
          body: { role: "admin" },
        }),
      403,
      /admin role/,
    );
    const [event] = await sql<{ actor: string; payload: { to: string } }>(
      "SELECT actor, payload FROM audit_event WHERE action = 'user.role' AND subject_id = $1 ORDER BY seq DESC LIMIT 1",
      [operator.address.toLowerCase()],
    );
    expect(event).toMatchObject({
      actor: admin.address.toLowerCase(),
      payload: { to: "operator" },
    });
  });
});

describe("incidents: signed statements, the negative matrix", () => {
  it("refuses operator actions without a session, with an expired one, and from viewers and auditors", async () => {
    const draft = await confirmDraft();
    await expectNothingWritten(() => post(r.statement.POST, { body: draft }), 401, /Sign in/);
    await sql(
      `INSERT INTO session (token_hash, address, expires_at)
       VALUES ('0x' || encode(sha256('expired-token'::bytea), 'hex'), $1, now() - interval '1 minute')`,
      [operator.address.toLowerCase()],
    );
    await expectNothingWritten(
      () => post(r.statement.POST, { body: draft, cookie: "provenance_session=expired-token" }),
      401,
      /expired/,
    );
    for (const who of ["viewer", "auditor"] as const) {
      await expectNothingWritten(
        () => post(r.statement.POST, { body: draft, cookie: cookies[who] }),
        403,
        /operator role/,
      );
      await expectNothingWritten(
        () =>
          post(r.incidents.POST, {
            body: { statement: {}, signature: "0x00" },
            cookie: cookies[who],
          }),
        403,
      );
    }
  });

  it("refuses a cross-site POST, bad bodies, a forged statement and a statement signed by someone else", async () => {
    const statement = await prepare(cookies.operator, await confirmDraft());
    const signature = await sign(operator, statement);
    await expectNothingWritten(
      () =>
        post(r.incidents.POST, {
          cookie: cookies.operator,
          body: { statement, signature },
          headers: { origin: "https://evil.example" },
        }),
      403,
      /Cross-site/,
    );
    await expectNothingWritten(
      () =>
        post(r.incidents.POST, {
          cookie: cookies.operator,
          body: { statement, signature },
          headers: { origin: "", "sec-fetch-site": "cross-site" },
        }),
      403,
    );
    await expectNothingWritten(
      () => post(r.incidents.POST, { cookie: cookies.operator, rawBody: "{" }),
      400,
    );
    await expectNothingWritten(
      () =>
        post(r.incidents.POST, {
          cookie: cookies.operator,
          rawBody: JSON.stringify({ statement, signature, pad: "x".repeat(40_000) }),
        }),
      413,
    );
    await expectNothingWritten(
      () =>
        post(r.incidents.POST, {
          cookie: cookies.operator,
          body: {
            statement: { ...statement, message: { ...statement.message, windowFrom: "soon" } },
            signature,
          },
        }),
      422,
      /windowFrom/,
    );
    const forged = { ...statement, message: { ...statement.message, reason: "nothing happened" } };
    await expectNothingWritten(
      () =>
        post(r.incidents.POST, {
          cookie: cookies.operator,
          body: { statement: forged, signature },
        }),
      401,
      /not by/,
    );
    await expectNothingWritten(
      async () =>
        post(r.incidents.POST, {
          cookie: cookies.operator,
          body: { statement, signature: await sign(stranger, statement) },
        }),
      401,
      /not by/,
    );
    const elsewhere = {
      ...statement,
      message: { ...statement.message, origin: "https://other.example" },
    };
    await expectNothingWritten(
      async () =>
        post(r.incidents.POST, {
          cookie: cookies.operator,
          body: { statement: elsewhere, signature: await sign(operator, elsewhere) },
        }),
      422,
      /origin/,
    );
    const stale = {
      ...statement,
      message: { ...statement.message, issuedAt: String(Date.now() - 3_600_000) },
    };
    await expectNothingWritten(
      async () =>
        post(r.incidents.POST, {
          cookie: cookies.operator,
          body: { statement: stale, signature: await sign(operator, stale) },
        }),
      422,
      /15 minutes/,
    );
  });
});

describe("the v1.1.0 incident and its blast radius", () => {
  const ids: Record<string, string> = {};
  let incidentId: string;
  let statement: IncidentStatement;
  let signature: Hex;

  it("proposes one incident per model from the PCRRevoked event", async () => {
    const rows = await sql<{ model: string; label: string; status: string }>(
      `SELECT m.name AS model, mv.label, i.status FROM incident i JOIN model m ON m.id = i.model_id
         JOIN model_version mv ON mv.id = i.bad_version_id ORDER BY m.name`,
    );
    expect(rows.map((x) => [x.label, x.status])).toEqual([
      ["v1.1.0", "proposed"],
      ["v1.1.0", "proposed"],
    ]);
  });

  it("records an operator's signed confirmation with its audit event and blast radius", async () => {
    for (const model of [CLAUDE, GPT]) {
      statement = await prepare(cookies.operator, await confirmDraft(model));
      signature = await sign(operator, statement);
      const res = await post(r.incidents.POST, {
        cookie: cookies.operator,
        body: { statement, signature },
      });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      ids[model] = res.json.id as string;
    }
    incidentId = ids[GPT]!;
    const [audit] = await sql<{ actor: string; action: string }>(
      "SELECT actor, action FROM audit_event WHERE subject_id = $1",
      [incidentId],
    );
    expect(audit).toEqual({ actor: operator.address.toLowerCase(), action: "incident.confirm" });
  });

  it("refuses the same signed statement again (replay) and a second confirmation", async () => {
    await expectNothingWritten(
      () => post(r.incidents.POST, { cookie: cookies.operator, body: { statement, signature } }),
      409,
      /already recorded/,
    );
    await expectNothingWritten(
      () =>
        post(r.statement.POST, {
          cookie: cookies.operator,
          body: { ...statement.message, chainId: 10740 },
        }),
      422,
    );
  });

  it("matches the story per model: inferences in the window, stale records, settlements, payments, actions three deep", async () => {
    const seen = { stale: 0, depth3: 0 };
    for (const model of [GPT, CLAUDE]) {
      const expected = v110BlastAnswer(story.manifest, model);
      const res = await callGet(r.blast.GET as never, "/x", { id: ids[model]! });
      const [computation] = res.json.computations as { summary: Record<string, unknown> }[];
      const s = computation!.summary as {
        affected: number;
        stale: number;
        settlements: number;
        payments: number;
        tokens: { total: string }[];
        actionsByDepth: Record<string, number>;
      };
      expect(expected.affected, model).toBeGreaterThan(0);
      expect({
        affected: s.affected,
        stale: s.stale,
        settlements: s.settlements,
        payments: s.payments,
        total: BigInt(s.tokens[0]?.total ?? 0),
        actionsByDepth: s.actionsByDepth,
      }).toEqual({
        affected: expected.affected,
        stale: expected.stale,
        settlements: expected.settlements,
        payments: expected.payments,
        total: expected.paymentTotal,
        actionsByDepth: expected.actionsByDepth,
      });
      seen.stale += s.stale;
      seen.depth3 += s.actionsByDepth["3"] ?? 0;
    }
    // The story plants stale records after the rollback and a three-level chain of actions.
    expect(seen.stale).toBeGreaterThan(0);
    expect(seen.depth3).toBeGreaterThan(0);
  });

  it("links the rollback's findings to the incident", async () => {
    const rows = await sql<{ kind: string; linked: boolean }>(
      `SELECT f.kind::text, f.incident_id = $1 AS linked FROM finding f JOIN inference i ON i.id = f.inference_id
        JOIN model m ON m.id = i.model_id WHERE m.name = $2 AND f.kind IN ('revoked_runtime', 'stale_after_rollback')`,
      [incidentId, GPT],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((x) => x.linked)).toBe(true);
    expect(rows.filter((x) => x.kind === "stale_after_rollback")).toHaveLength(
      v110BlastAnswer(story.manifest, GPT).stale,
    );
  });

  it("keeps each computation: a recompute adds one and the comparison shows no change", async () => {
    const res = await post(r.blast.POST, { cookie: cookies.auditor, params: { id: incidentId } });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const list = await callGet(r.blast.GET as never, `/x`, { id: incidentId });
    expect(list.json.computations).toHaveLength(2);
    expect(
      (list.json.changes as { added: number; removed: number }[]).every(
        (c) => c.added === 0 && c.removed === 0,
      ),
    ).toBe(true);
    await expectNothingWritten(
      () => post(r.blast.POST, { cookie: cookies.viewer, params: { id: incidentId } }),
      403,
    );
  });

  it("exports the blast radius as CSV and JSON with one row per item", async () => {
    const expected = v110BlastAnswer(story.manifest, GPT);
    const items =
      expected.affected +
      expected.stale +
      expected.settlements +
      expected.payments +
      Object.values(expected.actionsByDepth).reduce((a, b) => a + b, 0);
    const csv = await r.exportRoute.GET(new Request(`${TEST_ORIGIN}/x?format=csv`), {
      params: Promise.resolve({ id: incidentId }),
    });
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toMatch(/^part,position,id,/);
    expect(lines).toHaveLength(items + 1);
    const json = await (
      await r.exportRoute.GET(new Request(`${TEST_ORIGIN}/x`), {
        params: Promise.resolve({ id: incidentId }),
      })
    ).json();
    expect(json.incident.signature).toBe(signature);
    expect(json.actions.filter((a: { depth: number }) => a.depth === 1)).toHaveLength(
      expected.actionsByDepth["1"] ?? 0,
    );
  });

  it("resolves a window given as blocks to the blocks' times, and refuses a block that does not exist", async () => {
    const [approved, revoked] = await sql<{ block_number: string; block_time: Date }>(
      `SELECT block_number::text, block_time FROM registry_event
        WHERE event_name IN ('PCRApproved', 'PCRRevoked') AND pcr_hash = $1 ORDER BY block_number`,
      [(await proposalFor(GPT)).key.slice(4)],
    );
    const p = await proposalFor(GPT);
    const draft = {
      action: "declare",
      model: GPT,
      badVersion: p.key,
      window: {
        kind: "block",
        chainId: 10740,
        fromBlock: Number(approved!.block_number),
        toBlock: Number(revoked!.block_number),
      },
      reason: "Declared by blocks.",
      chainId: 10740,
    };
    const statement = await prepare(cookies.operator, draft);
    expect(statement.message).toMatchObject({
      windowChainId: "10740",
      windowFromBlock: approved!.block_number,
      windowToBlock: revoked!.block_number,
      windowFrom: String(approved!.block_time.getTime()),
      windowTo: String(revoked!.block_time.getTime()),
    });
    await expectNothingWritten(
      () =>
        post(r.statement.POST, {
          cookie: cookies.operator,
          body: { ...draft, window: { ...draft.window, toBlock: 99_999_999 } },
        }),
      422,
      /window.toBlock: block 99999999 on chain 10740 is not known/,
    );
  });

  it("is append-only: a correction supersedes, and the database refuses edits", async () => {
    const p = await proposalFor(GPT);
    const correction = await prepare(cookies.operator, {
      action: "correct",
      model: GPT,
      badVersion: p.key,
      rolledBackTo: p.back ?? undefined,
      window: { kind: "time", from: p.from.toISOString(), to: p.to.toISOString() },
      reason: "Same window; adds the postmortem link.",
      evidenceLinks: ["https://status.example.org/postmortem", "/o/0x" + "ab".repeat(32)],
      supersedes: incidentId,
      chainId: 10740,
    });
    const res = await post(r.incidents.POST, {
      cookie: cookies.operator,
      body: { statement: correction, signature: await sign(operator, correction) },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const [row] = await sql<{ supersedes_id: string }>(
      "SELECT supersedes_id FROM incident WHERE id = $1",
      [res.json.id],
    );
    expect(row!.supersedes_id).toBe(incidentId);
    await expect(
      sql("UPDATE incident SET reason = 'edited' WHERE id = $1", [incidentId]),
    ).rejects.toThrow(/append-only/);
    await expect(sql("DELETE FROM blast_radius")).rejects.toThrow(/append-only/);
  });
});

describe("the audit log", () => {
  it("chains every human action, signs checkpoints, and verifies", async () => {
    const res = await callGet(r.verify.GET as never, "/api/v1/audit/verify");
    expect(res.json).toMatchObject({ ok: true, firstBroken: null, checkpointProblems: [] });
    expect(Number(res.json.checkpoints)).toBeGreaterThan(0);
    const actions = await sql<{ action: string }>(
      "SELECT DISTINCT action FROM audit_event ORDER BY action",
    );
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        "auth.sign_in",
        "user.role",
        "incident.confirm",
        "incident.correct",
        "incident.blast_radius",
      ]),
    );
    await expect(sql("UPDATE audit_event SET actor = 'x' WHERE seq = 1")).rejects.toThrow(
      /append-only/,
    );
  });

  it("sign-out ends the session and is recorded", async () => {
    const cookie = await signIn(r, stranger);
    const res = await post(r.signOut.POST, { cookie });
    expect(res.status).toBe(200);
    await expectNothingWritten(() => post(r.signOut.POST, { cookie }), 401, /not valid/);
  });

  it("signs an hourly checkpoint of entries not covered yet, and none when nothing is due", async () => {
    const { checkpointIfDue } = await import("@/lib/audit/append");
    const { verifyAuditLog } = await import("@/lib/audit/verify");
    const signer = privateKeyToAccount(AUDIT_KEY);
    const client = await story.db.pool.connect();
    try {
      expect(await checkpointIfDue(client, signer, 3_600_000)).toBeNull();
      const [head] = await sql<{ seq: string }>("SELECT max(seq)::text AS seq FROM audit_event");
      const covered = await sql("SELECT 1 FROM audit_checkpoint WHERE upto_seq = $1", [head!.seq]);
      const later = new Date(Date.now() + 2 * 3_600_000);
      const seq = await checkpointIfDue(client, signer, 3_600_000, later);
      expect(seq === null ? null : String(seq)).toBe(covered.length ? null : head!.seq);
      expect(await checkpointIfDue(client, signer, 3_600_000, later)).toBeNull();
      expect((await verifyAuditLog(client, [signer.address])).ok).toBe(true);
    } finally {
      client.release();
    }
  });

  it("npm run verify:audit finds a row edited in SQL with the trigger bypassed", async () => {
    const run = (env: Record<string, string>) =>
      promisify(execFile)("node", ["--import", "tsx", "scripts/verify-audit.ts"], {
        env: { ...process.env, DATABASE_URL: story.db.url, AUDIT_SIGNING_KEY: AUDIT_KEY, ...env },
      }).then(
        (out) => ({ code: 0, out: out.stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, out: error.stdout }),
      );
    const clean = await run({});
    expect(clean.out).toMatch(/PASS/);
    expect(clean.code).toBe(0);
    const [target] = await sql<{ seq: string }>(
      "SELECT seq::text FROM audit_event WHERE action = 'user.role' ORDER BY seq LIMIT 1",
    );
    const client = await story.db.pool.connect();
    try {
      // What the table's owner (or a superuser) could do: switch the trigger off and rewrite
      // a row. The owner's way, because an external DATABASE_URL's role is no superuser.
      await client.query("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update_delete");
      await client.query(
        `UPDATE audit_event SET payload = jsonb_set(payload, '{to}', '"viewer"') WHERE seq = $1`,
        [target!.seq],
      );
      await client.query("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update_delete");
    } finally {
      client.release();
    }
    const broken = await run({});
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(new RegExp(`first broken link at seq ${target!.seq}:.*payload`));
  });
});
