import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalAccount } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  agentActionTypedData,
  NO_TX_HASH,
  type AgentActionMessage,
} from "@/lib/evidence/agent-action";
import { incidentTypedData, type IncidentStatement } from "@/lib/evidence/incident-statement";
import { signIn, TEST_ORIGIN } from "../helpers/auth";
import { callGet, callRoute } from "../helpers/route";
import { playStoryIntoTestDatabase, type PlayedStory } from "../helpers/story";
import { nothingWritten } from "../helpers/writes";

const SEED = process.env.TRUST_SEED ?? "trust-tiers";
const REQUESTS = Number(process.env.TRUST_REQUESTS ?? 120);
const GPT = "llm:openai/gpt-4.1";
const GREEK = "\u03bfpenai/gpt-4.1"; // Greek small omicron in place of the Latin o
const ZERO_WIDTH = "open\u200bai/gpt-4.1";

const admin = privateKeyToAccount(generatePrivateKey());
const operator = privateKeyToAccount(generatePrivateKey());
const viewer = privateKeyToAccount(generatePrivateKey());
const throwaway = privateKeyToAccount(generatePrivateKey());

// Read once by lib/env: set before anything imports it.
process.env.ADMIN_ADDRESSES = admin.address;
process.env.AUDIT_SIGNING_KEY = generatePrivateKey();

let story: PlayedStory;
const r = {} as {
  nonce: typeof import("@/app/api/v1/auth/nonce/route");
  signIn: typeof import("@/app/api/v1/auth/sign-in/route");
  role: typeof import("@/app/api/v1/users/[address]/role/route");
  receipts: typeof import("@/app/api/v1/receipts/route");
  actions: typeof import("@/app/api/v1/agent-actions/route");
  agents: typeof import("@/app/api/v1/agents/route");
  agent: typeof import("@/app/api/v1/agents/[address]/route");
  incidents: typeof import("@/app/api/v1/incidents/route");
  statement: typeof import("@/app/api/v1/incidents/statement/route");
  blast: typeof import("@/app/api/v1/incidents/[id]/blast-radius/route");
  exportRoute: typeof import("@/app/api/v1/incidents/[id]/blast-radius/export/route");
  inference: typeof import("@/app/api/v1/inferences/[id]/route");
  models: typeof import("@/app/api/v1/models/route");
};
const cookies = {} as Record<"admin" | "operator" | "viewer", string>;

const sql = async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
  (await story.db.pool.query<T>(text, params)).rows;

const send = <C>(
  handler: (request: Request, context: C) => Promise<Response>,
  args: {
    cookie?: string;
    body?: unknown;
    params?: Record<string, string>;
    method?: string;
    origin?: string;
  },
) =>
  callRoute(handler, {
    body: args.body,
    params: args.params,
    method: args.method,
    headers: {
      origin: args.origin ?? TEST_ORIGIN,
      ...(args.cookie ? { cookie: args.cookie } : {}),
    },
  });

async function link() {
  const { runLinker } = await import("@/lib/indexer/link");
  await runLinker(story.db.pool);
}

/** The story's receipts as the gateway posted them. */
async function storyReceipts(): Promise<Record<string, unknown>[]> {
  const text = await fs.readFile(
    path.join(story.dataDir, "devnet", "story", "receipts.jsonl"),
    "utf8",
  );
  return text
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

async function postReceipts(receipts: Record<string, unknown>[]) {
  const res = await callRoute(r.receipts.POST, { body: { receipts } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
}

const randomHash = () =>
  `0x${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("hex")}`;

beforeAll(async () => {
  story = await playStoryIntoTestDatabase(SEED, REQUESTS);
  const { runIndexer } = await import("@/lib/indexer");
  await runIndexer({ pool: story.db.pool, config: story.devnet.sources, mode: "until-head" });
  Object.assign(r, {
    nonce: await import("@/app/api/v1/auth/nonce/route"),
    signIn: await import("@/app/api/v1/auth/sign-in/route"),
    role: await import("@/app/api/v1/users/[address]/role/route"),
    receipts: await import("@/app/api/v1/receipts/route"),
    actions: await import("@/app/api/v1/agent-actions/route"),
    agents: await import("@/app/api/v1/agents/route"),
    agent: await import("@/app/api/v1/agents/[address]/route"),
    incidents: await import("@/app/api/v1/incidents/route"),
    statement: await import("@/app/api/v1/incidents/statement/route"),
    blast: await import("@/app/api/v1/incidents/[id]/blast-radius/route"),
    exportRoute: await import("@/app/api/v1/incidents/[id]/blast-radius/export/route"),
    inference: await import("@/app/api/v1/inferences/[id]/route"),
    models: await import("@/app/api/v1/models/route"),
  });
  for (const [name, account] of [
    ["admin", admin],
    ["operator", operator],
    ["viewer", viewer],
  ] as const) {
    cookies[name] = await signIn(r, account);
  }
  const res = await send(r.role.PUT, {
    method: "PUT",
    cookie: cookies.admin,
    params: { address: operator.address },
    body: { role: "operator" },
  });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
}, 300_000);

afterAll(async () => {
  await story?.stop();
});

describe("receipts of an enclave no registry lists", () => {
  it("make no model, version or inference, and are one unregistered_enclave finding until the enclave is registered", async () => {
    const teeId = randomHash();
    const forged = (await storyReceipts())
      .slice(0, 3)
      .map((x) => ({ ...x, tee_id: teeId, model: "forged/model-x" }));
    await postReceipts(forged);
    await link();
    const counts = async () =>
      (
        await sql<{ models: number; inferences: number; versions: number }>(
          `SELECT (SELECT count(*)::int FROM model WHERE name = 'llm:forged/model-x') AS models,
                  (SELECT count(*)::int FROM model_version mv JOIN model m ON m.id = mv.model_id
                    WHERE m.name = 'llm:forged/model-x') AS versions,
                  (SELECT count(*)::int FROM inference WHERE tee_id = $1) AS inferences`,
          [teeId],
        )
      )[0]!;
    expect(await counts()).toEqual({ models: 0, versions: 0, inferences: 0 });
    expect((await sql("SELECT 1 FROM receipt WHERE tee_id = $1", [teeId])).length).toBe(3);
    const [finding] = await sql<{
      kind: string;
      resolved_at: Date | null;
      evidence: { receipts: number };
    }>("SELECT kind::text, resolved_at, evidence FROM finding WHERE dedupe_key = $1", [
      `unregistered_enclave:${teeId}`,
    ]);
    expect(finding).toMatchObject({ kind: "unregistered_enclave", resolved_at: null });
    expect(finding!.evidence.receipts).toBe(3);
    const models = await callGet(r.models.GET as never, "/api/v1/models");
    expect(JSON.stringify(models.json)).not.toContain("forged/model-x");

    // The registry lists it later (as the indexer would record a registration).
    await sql(
      `CREATE TEMP TABLE new_enclave AS SELECT * FROM enclave WHERE orphaned_at IS NULL LIMIT 1;
       UPDATE new_enclave SET id = gen_random_uuid(), tee_id = '${teeId}', log_index = log_index + 10000;
       INSERT INTO enclave SELECT * FROM new_enclave; DROP TABLE new_enclave;`,
    );
    await link();
    expect(await counts()).toMatchObject({ models: 1, versions: 1, inferences: 3 });
    const [after] = await sql<{ resolved_at: Date | null }>(
      "SELECT resolved_at FROM finding WHERE dedupe_key = $1",
      [`unregistered_enclave:${teeId}`],
    );
    expect(after!.resolved_at).not.toBeNull();
  });
});

describe("model names that only look like a known model", () => {
  it("make no model or inference: a Greek omicron and a zero-width space are model_lookalike findings on the real model", async () => {
    const [first] = await storyReceipts();
    const fakes = [GREEK, ZERO_WIDTH].map((model, i) => ({
      ...first,
      model,
      tee_timestamp: Number(first!.tee_timestamp) + i + 1,
    }));
    await postReceipts(fakes);
    await link();
    const models = await sql<{ name: string }>(
      "SELECT name FROM model WHERE name LIKE 'llm:%gpt-4.1%'",
    );
    expect(models.map((m) => m.name)).toEqual([GPT]);
    const inferences = await sql(
      "SELECT 1 FROM inference i JOIN receipt r ON r.id = i.receipt_id WHERE r.model = ANY($1::text[])",
      [[GREEK, ZERO_WIDTH]],
    );
    expect(inferences).toHaveLength(0);
    const findings = await sql<{ dedupe_key: string; message: string; model: string; cp: string }>(
      `SELECT f.dedupe_key, f.message, m.name AS model, f.evidence ->> 'codePoints' AS cp FROM finding f
         JOIN model m ON m.id = f.model_id WHERE f.kind = 'model_lookalike' AND f.resolved_at IS NULL ORDER BY f.dedupe_key`,
    );
    expect(findings.map((f) => [f.dedupe_key, f.model, f.cp])).toEqual(
      [
        [`model_lookalike:${GREEK}`, GPT, "U+03BF"],
        [`model_lookalike:${ZERO_WIDTH}`, GPT, "U+200B"],
      ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
    );
    expect(findings[0]!.message).toMatch(/looks like the known model "openai\/gpt-4.1"/);
  });

  it("gives the plain-ASCII name the model when both first arrive in one pass", async () => {
    const [, second] = await storyReceipts();
    const real = "acme/reasoner-1";
    const cyrillic = "\u0430cme/reasoner-1"; // Cyrillic а
    await postReceipts(
      [cyrillic, real].map((model, i) => ({
        ...second,
        model,
        tee_timestamp: Number(second!.tee_timestamp) + i + 1,
      })),
    );
    await link();
    const models = await sql<{ name: string }>(
      "SELECT name FROM model WHERE name LIKE '%reasoner-1'",
    );
    expect(models.map((m) => m.name)).toEqual([`llm:${real}`]);
    const [f] = await sql<{ model: string }>(
      "SELECT m.name AS model FROM finding f JOIN model m ON m.id = f.model_id WHERE f.dedupe_key = $1",
      [`model_lookalike:${cyrillic}`],
    );
    expect(f!.model).toBe(`llm:${real}`);
  });
});

describe("the agent registry", () => {
  const agentAddress = privateKeyToAccount(generatePrivateKey()).address;
  const writes = async () =>
    sql(
      `SELECT (SELECT count(*) FROM audit_event) AS audit,
              (SELECT string_agg(address || label || origin || COALESCE(retired_by, ''), ',' ORDER BY address) FROM known_agent) AS agents`,
    );
  const expectNothingWritten = nothingWritten(writes);

  it("lists the sources config's three story agents as known, for anyone who can read", async () => {
    const res = await callGet(r.agents.GET as never, "/api/v1/agents");
    expect(res.status).toBe(200);
    const agents = res.json.agents as {
      origin: string;
      status: string;
      label: string;
      actions: number;
    }[];
    expect(agents).toHaveLength(3);
    expect(agents.every((a) => a.origin === "config" && a.status === "known")).toBe(true);
    expect(agents.map((a) => a.label)).toContain("Story agent A (anvil account 5)");
    expect(agents.reduce((n, a) => n + a.actions, 0)).toBeGreaterThan(0);
  });

  it("lets an admin add, relabel, retire and reinstate an agent, each with its audit event", async () => {
    const added = await send(r.agents.POST, {
      cookie: cookies.admin,
      body: { address: agentAddress, label: "  Treasury bot  " },
    });
    expect(added.status, JSON.stringify(added.json)).toBe(201);
    expect(added.json.agent).toMatchObject({
      address: agentAddress.toLowerCase(),
      label: "Treasury bot",
      origin: "admin",
      status: "known",
      addedBy: admin.address.toLowerCase(),
    });
    const change = (body: unknown) =>
      send(r.agent.PATCH, {
        cookie: cookies.admin,
        method: "PATCH",
        params: { address: agentAddress },
        body,
      });
    expect(
      (await change({ action: "relabel", label: "Treasury rebalancer" })).json.agent,
    ).toMatchObject({
      label: "Treasury rebalancer",
    });
    expect((await change({ action: "retire" })).json.agent).toMatchObject({
      status: "retired",
      retiredBy: admin.address.toLowerCase(),
    });
    expect((await change({ action: "reinstate" })).json.agent).toMatchObject({
      status: "known",
      retiredAt: null,
    });
    const audit = await sql<{ action: string; actor: string; payload: Record<string, string> }>(
      "SELECT action, actor, payload FROM audit_event WHERE subject_type = 'agent' AND subject_id = $1 ORDER BY seq",
      [agentAddress.toLowerCase()],
    );
    expect(audit.map((a) => a.action)).toEqual([
      "agent.add",
      "agent.relabel",
      "agent.retire",
      "agent.reinstate",
    ]);
    expect(audit.every((a) => a.actor === admin.address.toLowerCase())).toBe(true);
    expect(audit[1]!.payload).toMatchObject({ from: "Treasury bot", to: "Treasury rebalancer" });
  });

  it("refuses viewers, strangers and other sites, and writes nothing", async () => {
    const body = { address: throwaway.address, label: "Sneaky" };
    await expectNothingWritten(() => send(r.agents.POST, { body }), 401, /Sign in/);
    await expectNothingWritten(
      () => send(r.agents.POST, { cookie: cookies.viewer, body }),
      403,
      /admin role/,
    );
    await expectNothingWritten(
      () => send(r.agents.POST, { cookie: cookies.operator, body }),
      403,
      /admin role/,
    );
    await expectNothingWritten(
      () => send(r.agents.POST, { cookie: cookies.admin, body, origin: "https://evil.example" }),
      403,
      /Cross-site/,
    );
    await expectNothingWritten(
      () =>
        send(r.agent.PATCH, {
          cookie: cookies.viewer,
          method: "PATCH",
          params: { address: agentAddress },
          body: { action: "retire" },
        }),
      403,
    );
  });

  it("answers bad input with a 4xx that says what to fix, and writes nothing", async () => {
    const post = (body: unknown) => () => send(r.agents.POST, { cookie: cookies.admin, body });
    const patch = (address: string, body: unknown) => () =>
      send(r.agent.PATCH, { cookie: cookies.admin, method: "PATCH", params: { address }, body });
    await expectNothingWritten(
      post({ address: "0x1234", label: "x" }),
      422,
      /address: must be a 0x-prefixed/,
    );
    await expectNothingWritten(
      post({ address: throwaway.address, label: "   " }),
      422,
      /label: is required/,
    );
    await expectNothingWritten(
      post({ address: throwaway.address, label: "x".repeat(81) }),
      422,
      /at most 80/,
    );
    await expectNothingWritten(
      post({ address: throwaway.address, label: "a\u0007b" }),
      422,
      /control characters/,
    );
    await expectNothingWritten(
      post({ address: throwaway.address, label: "x", role: "admin" }),
      422,
    );
    await expectNothingWritten(
      post({ address: agentAddress, label: "Again" }),
      409,
      /already a known agent/,
    );
    await expectNothingWritten(patch(agentAddress, { action: "reinstate" }), 409, /already known/);
    await expectNothingWritten(
      patch(agentAddress, { action: "promote" }),
      422,
      /"action": "relabel"/,
    );
    await expectNothingWritten(
      patch(throwaway.address, { action: "retire" }),
      404,
      /not in the agent registry/,
    );
    await expectNothingWritten(patch("0xnope", { action: "retire" }), 422, /address/);
  });
});

describe("a blast radius with actions of a throwaway key", () => {
  let incidentId: string;

  async function confirmGptIncident(): Promise<string> {
    const [p] = await sql<{ id: string; key: string; back: string | null; from: Date; to: Date }>(
      `SELECT i.id, mv.key, back.key AS back, i.window_from AS from, i.window_to AS to
         FROM incident i JOIN model m ON m.id = i.model_id JOIN model_version mv ON mv.id = i.bad_version_id
         LEFT JOIN model_version back ON back.id = i.rolled_back_to_version_id
        WHERE m.name = $1 AND i.status = 'proposed'`,
      [GPT],
    );
    const prepared = await send(r.statement.POST, {
      cookie: cookies.operator,
      body: {
        action: "confirm",
        model: GPT,
        badVersion: p!.key,
        rolledBackTo: p!.back ?? undefined,
        window: { kind: "time", from: p!.from.toISOString(), to: p!.to.toISOString() },
        reason: "v1.1.0 returned wrong answers; revoked on chain.",
        evidenceLinks: [],
        supersedes: p!.id,
        chainId: 10740,
      },
    });
    expect(prepared.status, JSON.stringify(prepared.json)).toBe(200);
    const statement = prepared.json.statement as IncidentStatement;
    const signature = await (operator as LocalAccount).signTypedData(incidentTypedData(statement));
    const res = await send(r.incidents.POST, {
      cookie: cookies.operator,
      body: { statement, signature },
    });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.id as string;
  }

  async function recompute() {
    const res = await send(r.blast.POST, { cookie: cookies.operator, params: { id: incidentId } });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    return res.json.computation as {
      id: string;
      summary: {
        actions: number;
        unknownActions: number;
        unknownAgents: number;
        series: number[][];
      };
    };
  }

  it("keeps the known agents' headline unchanged and reports the 200 apart as unknown agents", async () => {
    incidentId = await confirmGptIncident();
    const before = await recompute();
    expect(before.summary.actions).toBeGreaterThan(0);
    expect(before.summary.unknownActions).toBe(0);

    // 200 statements signed by a key nobody registered, citing outputs of the bad version.
    const outputs = await sql<{ output_hash: string }>(
      `SELECT i.output_hash FROM inference i JOIN incident c ON c.model_id = i.model_id AND c.bad_version_id = i.model_version_id
        WHERE c.id = $1 AND i.occurred_at >= c.window_from ORDER BY i.occurred_at LIMIT 5`,
      [incidentId],
    );
    expect(outputs.length).toBeGreaterThan(0);
    const start = Math.floor(Date.now() / 1000) - 3600;
    const actions = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const message: AgentActionMessage = {
          agent: throwaway.address,
          kind: "memory_write",
          summary: `Flood ${i}`,
          citedOutputs: [outputs[i % outputs.length]!.output_hash as `0x${string}`],
          citedActions: [],
          txHash: NO_TX_HASH,
          occurredAt: BigInt(start + i),
        };
        const signature = await throwaway.signTypedData(agentActionTypedData(10740, message));
        return { chainId: 10740, action: { ...message, occurredAt: start + i }, signature };
      }),
    );
    const posted = await callRoute(r.actions.POST, { body: { actions } });
    expect(posted.status, JSON.stringify(posted.json)).toBe(201);

    const after = await recompute();
    expect(after.summary.actions).toBe(before.summary.actions);
    expect(after.summary.unknownActions).toBe(200);
    expect(after.summary.unknownAgents).toBe(1);
    const sum = (i: number) => after.summary.series.reduce((n, p) => n + (p[i] ?? 0), 0);
    expect(sum(3)).toBe(before.summary.actions);
    expect(sum(4)).toBe(200);

    const csv = await (
      await r.exportRoute.GET(new Request(`${TEST_ORIGIN}/x?format=csv`), {
        params: Promise.resolve({ id: incidentId }),
      })
    ).text();
    const [header, ...lines] = csv.trim().split("\r\n");
    const columns = header!.split(",");
    const trust = columns.indexOf("agentTrust");
    expect(trust).toBeGreaterThan(0);
    const cells = lines.map((l) => l.split(","));
    expect(cells.filter((c) => c[0] === "unknownActions").map((c) => c[trust])).toEqual(
      Array(200).fill("unknown"),
    );
    const known = cells.filter((c) => c[0] === "actions");
    expect(known).toHaveLength(before.summary.actions);
    expect(known.every((c) => c[trust] === "known")).toBe(true);

    const json = await (
      await r.exportRoute.GET(new Request(`${TEST_ORIGIN}/x`), {
        params: Promise.resolve({ id: incidentId }),
      })
    ).json();
    expect(json.agentActions).toEqual({
      known: before.summary.actions,
      unknown: 200,
      unknownAgents: 1,
    });
    expect(json.actions).toHaveLength(before.summary.actions);
    expect(json.unknownActions).toHaveLength(200);
  });

  it("labels the throwaway key's actions as unknown agents on the inference's downstream tree", async () => {
    const [i] = await sql<{ id: string }>(
      `SELECT i.id FROM inference i JOIN agent_action_citation c ON c.output_hash = i.output_hash
         JOIN agent_action a ON a.id = c.action_id WHERE a.agent = $1 LIMIT 1`,
      [throwaway.address.toLowerCase()],
    );
    const res = await callGet(r.inference.GET as never, `/api/v1/inferences/${i!.id}`, {
      id: i!.id,
    });
    const nodes = (
      res.json.downstream as {
        nodes: { agent: string; agentTrust: string; agentLabel: string | null }[];
      }
    ).nodes;
    const mine = nodes.filter((n) => n.agent === throwaway.address.toLowerCase());
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((n) => n.agentTrust === "unknown" && n.agentLabel === null)).toBe(true);
    expect(
      nodes
        .filter((n) => n.agentTrust === "known")
        .every((n) => n.agentLabel?.startsWith("Story agent")),
    ).toBe(true);
  });

  it("counts the 200 in the headline once an admin registers the key, and apart again once retired", async () => {
    const known = (await recompute()).summary.actions;
    const added = await send(r.agents.POST, {
      cookie: cookies.admin,
      body: { address: throwaway.address, label: "Flood test key" },
    });
    expect(added.status).toBe(201);
    expect((await recompute()).summary).toMatchObject({ actions: known + 200, unknownActions: 0 });
    await send(r.agent.PATCH, {
      cookie: cookies.admin,
      method: "PATCH",
      params: { address: throwaway.address },
      body: { action: "retire" },
    });
    expect((await recompute()).summary).toMatchObject({ actions: known, unknownActions: 200 });
  });
});
