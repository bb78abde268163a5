import crypto from "node:crypto";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import type { Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentActionTypedData, type AgentActionMessage } from "@/lib/evidence/agent-action";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { callRoute, pointAppAtDatabase } from "../helpers/route";

/** The smallest budget the configuration allows: one full batch per minute. */
const BUDGET = 500;
const CHAIN_ID = 8453;

let db: TestDatabase;
let POST: (request: Request, context: unknown) => Promise<Response>;
let checked: () => number;
let used: (client: string) => number;
let caller = 0;
const agent = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());
const randomHash = () => `0x${crypto.randomBytes(32).toString("hex")}` as Hex;

async function signed(n: number, signer = agent) {
  const message: AgentActionMessage = {
    agent: agent.address,
    kind: "other",
    summary: `Rebalanced the portfolio, step ${n}`,
    citedOutputs: [randomHash()],
    citedActions: [],
    txHash: randomHash(),
    occurredAt: 1_763_900_000n + BigInt(n),
  };
  const signature = await signer.signTypedData(agentActionTypedData(CHAIN_ID, message));
  return {
    chainId: CHAIN_ID,
    action: { ...message, occurredAt: String(n + 1_763_900_000) },
    signature,
  };
}

/** `count` statements signed by their agent; `badAt` signed by a stranger instead. */
async function batch(count: number, badAt: number[] = []) {
  return Promise.all(
    Array.from({ length: count }, (_, i) => signed(i, badAt.includes(i) ? stranger : agent)),
  );
}

const newClient = () => `198.51.100.${++caller}`;
const post = (from: string, actions: unknown[]) => callRoute(POST, { from, body: { actions } });
const storedActions = async () =>
  Number((await db.pool.query("SELECT count(*) AS n FROM agent_action")).rows[0].n);

beforeAll(async () => {
  db = await createTestDatabase();
  pointAppAtDatabase(db.url, { VERIFY_BUDGET_PER_MINUTE: String(BUDGET), VERIFY_WORKERS: "1" });
  ({ POST } = await import("@/app/api/v1/agent-actions/route"));
  const { getVerifyPool } = await import("@/lib/evidence/verify-pool");
  const { getStatementBudget } = await import("@/lib/api/ingest");
  checked = () => getVerifyPool().stats().checked;
  used = (client) => getStatementBudget().used(client);
});
afterAll(async () => {
  await (await import("@/lib/evidence/verify-pool")).getVerifyPool().close();
  await (await import("@/lib/db/client")).closeDb();
  await db?.close();
});

describe("agent-action signatures on the verification pool, within a budget per client", () => {
  it("stops a batch at its first bad signature: 401 naming it, nothing after it checked or stored", async () => {
    const client = newClient();
    const before = { checked: checked(), stored: await storedActions() };
    const res = await post(client, await batch(40, [7, 20]));
    expect(res.status).toBe(401);
    expect(res.json.message).toMatch(/^actions\[7\]: The signature does not match agent/);
    expect(checked() - before.checked).toBe(8);
    expect(used(client)).toBe(40);
    expect(await storedActions()).toBe(before.stored);
  });

  it("names a wrong signature that comes before an unsigned statement, and the unsigned one otherwise", async () => {
    const actions = await batch(6, [1]);
    const unsigned = { ...actions[4]!, signature: undefined };
    const first = await post(newClient(), [...actions.slice(0, 4), unsigned]);
    expect(first.status).toBe(401);
    expect(first.json.message).toMatch(/^actions\[1\]: The signature does not match/);

    const client = newClient();
    const good = await batch(3);
    const before = checked();
    const second = await post(client, [...good, unsigned, ...(await batch(2))]);
    expect(second.status).toBe(401);
    expect(second.json.message).toMatch(/^actions\[3\]: The statement is unsigned/);
    expect(checked() - before).toBe(3);
    expect(used(client)).toBe(6);
  });

  it("answers 429 with Retry-After before checking anything once a client's budget would be exceeded, and stores nothing", async () => {
    const client = newClient();
    const first = await post(client, await batch(300));
    expect(first.status).toBe(201);
    expect(first.json.created).toBe(300);
    const stored = await storedActions();
    const before = checked();

    const over = await post(client, await batch(201));
    expect(over.status).toBe(429);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(over.json).toMatchObject({ error: "rate_limited", remaining: 200, cost: 201 });
    expect(over.json.message).toMatch(/500 signed statements per minute and has 200 left/);
    expect(checked()).toBe(before);
    expect(used(client)).toBe(300);
    expect(await storedActions()).toBe(stored);

    const fits = await post(client, await batch(200));
    expect(fits.status).toBe(201);
    expect(used(client)).toBe(BUDGET);
    expect(await storedActions()).toBe(stored + 200);
  });

  it("charges a refused batch in full, and refuses a spent client before reading its body", async () => {
    const client = newClient();
    const refused = await post(client, await batch(BUDGET, [0]));
    expect(refused.status).toBe(401);
    expect(used(client)).toBe(BUDGET);
    const before = checked();
    const unread = await callRoute(POST, { from: client, rawBody: "{ not json" });
    expect(unread.status).toBe(429);
    expect(unread.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(unread.json.message).toMatch(/has 0 left; nothing was checked or stored/);
    expect(checked()).toBe(before);
  });

  it("keeps budgets apart per client address", async () => {
    const spent = newClient();
    expect((await post(spent, await batch(BUDGET))).status).toBe(201);
    expect((await post(spent, await batch(1))).status).toBe(429);
    expect((await post(newClient(), await batch(1))).status).toBe(201);
  });
});
