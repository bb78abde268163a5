import crypto from "node:crypto";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import type { Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  agentActionDigest,
  agentActionTypedData,
  NO_TX_HASH,
  type AgentActionMessage,
} from "@/lib/evidence/agent-action";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { callRoute, pointAppAtDatabase } from "../helpers/route";

let db: TestDatabase;
let POST: (request: Request, context: unknown) => Promise<Response>;
let caller = 0;
const agent = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());
const CHAIN_ID = 8453;
const randomHash = () => `0x${crypto.randomBytes(32).toString("hex")}` as Hex;

function statement(overrides: Partial<AgentActionMessage> = {}): AgentActionMessage {
  return {
    agent: agent.address,
    kind: "onchain_tx",
    summary: "Bought 10 OPG because the model said the price would rise",
    citedOutputs: [randomHash()],
    citedActions: [],
    txHash: randomHash(),
    occurredAt: 1_763_900_000n,
    ...overrides,
  };
}

async function signed(message: AgentActionMessage, signer = agent) {
  const signature = await signer.signTypedData(agentActionTypedData(CHAIN_ID, message));
  return {
    chainId: CHAIN_ID,
    action: { ...message, occurredAt: message.occurredAt.toString() },
    signature,
  };
}

const post = (body: unknown) => callRoute(POST, { from: `198.51.100.${++caller}`, body });
const countRows = async () => ({
  actions: Number((await db.pool.query("SELECT count(*) AS n FROM agent_action")).rows[0].n),
  citations: Number(
    (await db.pool.query("SELECT count(*) AS n FROM agent_action_citation")).rows[0].n,
  ),
});

beforeAll(async () => {
  db = await createTestDatabase();
  pointAppAtDatabase(db.url);
  ({ POST } = await import("@/app/api/v1/agent-actions/route"));
});
afterAll(async () => {
  await (await import("@/lib/db/client")).closeDb();
  await db?.close();
});

describe("POST /api/v1/agent-actions", () => {
  it("stores a statement signed by its agent, with its citations, idempotently by digest", async () => {
    const message = statement({ citedOutputs: [randomHash(), randomHash()] });
    const res = await post(await signed(message));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      status: "created",
      digest: agentActionDigest(CHAIN_ID, message),
    });
    const row = (await db.pool.query("SELECT * FROM agent_action WHERE id = $1", [res.json.id]))
      .rows[0];
    expect(row).toMatchObject({
      agent: agent.address.toLowerCase(),
      chain_id: CHAIN_ID,
      kind: "onchain_tx",
      tx_hash: message.txHash,
    });
    const citations = await db.pool.query(
      "SELECT output_hash FROM agent_action_citation WHERE action_id = $1 ORDER BY output_hash",
      [res.json.id],
    );
    expect(citations.rows.map((r) => r.output_hash)).toEqual([...message.citedOutputs].sort());

    const again = await post(await signed(message));
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ status: "duplicate", id: res.json.id });
  });

  it("links actions that cite earlier actions, three levels deep", async () => {
    const first = statement({ kind: "memory_write", txHash: NO_TX_HASH });
    const d1 = agentActionDigest(CHAIN_ID, first);
    const second = statement({
      kind: "settings_change",
      citedOutputs: [],
      citedActions: [d1],
      txHash: NO_TX_HASH,
    });
    const d2 = agentActionDigest(CHAIN_ID, second);
    const third = statement({ citedOutputs: [], citedActions: [d2, d1] });
    const ids: string[] = [];
    for (const m of [first, second, third]) {
      const res = await post(await signed(m));
      expect(res.status).toBe(201);
      ids.push(res.json.id as string);
    }
    const edges = await db.pool.query(
      "SELECT action_id, cited_action_id FROM agent_action_citation WHERE cited_action_id IS NOT NULL AND action_id = ANY($1::uuid[])",
      [ids],
    );
    expect(edges.rows).toHaveLength(3);
    expect(edges.rows).toContainEqual({ action_id: ids[1], cited_action_id: ids[0] });
    expect(edges.rows).toContainEqual({ action_id: ids[2], cited_action_id: ids[1] });
    const first_row = (
      await db.pool.query("SELECT tx_hash FROM agent_action WHERE id = $1", [ids[0]])
    ).rows[0];
    expect(first_row.tx_hash).toBeNull();
  });

  it("stores a batch in order, later statements citing earlier ones in the same batch", async () => {
    const root = statement({ kind: "memory_write", txHash: NO_TX_HASH });
    const child = statement({
      citedOutputs: [],
      citedActions: [agentActionDigest(CHAIN_ID, root)],
    });
    const res = await post({ actions: [await signed(root), await signed(child)] });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ created: 2, duplicates: 0 });
    const [r0, r1] = res.json.results as { index: number; id: string; status: string }[];
    expect([r0!.index, r1!.index]).toEqual([0, 1]);
    const edge = await db.pool.query(
      "SELECT cited_action_id FROM agent_action_citation WHERE action_id = $1",
      [r1!.id],
    );
    expect(edge.rows).toEqual([{ cited_action_id: r0!.id }]);
  });

  it("writes nothing from a batch when one statement is wrongly signed, and names it", async () => {
    const before = await countRows();
    const good = await signed(statement());
    const bad = await signed(statement(), stranger);
    const res = await post({ actions: [good, bad] });
    expect(res.status).toBe(401);
    expect(res.json.message).toMatch(/^actions\[1\]: The signature does not match agent/);
    expect(await countRows()).toEqual(before);
    const unknown = await post({
      actions: [good, await signed(statement({ citedActions: [randomHash()] }))],
    });
    expect(unknown.status).toBe(422);
    expect(unknown.json.message).toMatch(
      /^actions\[1\]\.action\.citedActions\[0\]: no action with digest/,
    );
    expect(await countRows()).toEqual(before);
  });

  it("refuses an unsigned statement with 401 and stores nothing", async () => {
    const before = await countRows();
    const { signature: _drop, ...unsigned } = await signed(statement());
    void _drop;
    const res = await post(unsigned);
    expect(res.status).toBe(401);
    expect(res.json.message).toMatch(/unsigned/);
    expect(await countRows()).toEqual(before);
  });

  it("refuses a statement signed by someone else, or changed after signing, with 401", async () => {
    const before = await countRows();
    const byStranger = await post(await signed(statement(), stranger));
    expect(byStranger.status).toBe(401);
    expect(byStranger.json.message).toMatch(/does not match agent/);
    const body = await signed(statement());
    const tampered = await post({ ...body, action: { ...body.action, summary: "Sold instead" } });
    expect(tampered.status).toBe(401);
    const otherChain = await post({ ...body, chainId: 1 });
    expect(otherChain.status).toBe(401);
    const garbage = await post({ ...body, signature: "0x1234" });
    expect(garbage.status).toBe(401);
    expect(await countRows()).toEqual(before);
  });

  it("refuses a citation of an action never posted with 422 naming it, storing nothing", async () => {
    const before = await countRows();
    const res = await post(await signed(statement({ citedActions: [randomHash()] })));
    expect(res.status).toBe(422);
    expect(res.json.message).toMatch(/^action\.citedActions\[0\]: no action with digest 0x/);
    expect(await countRows()).toEqual(before);
  });

  it("answers 422, not 500, for values the database could not hold, and writes nothing", async () => {
    const before = await countRows();
    const twice = randomHash();
    const dup = await post(await signed(statement({ citedOutputs: [twice, twice] })));
    expect(dup.status).toBe(422);
    expect(dup.json.message).toBe("action.citedOutputs: lists the same output hash twice");
    const body = await signed(statement());
    const farChain = await post({ ...body, chainId: 2 ** 40 });
    expect(farChain.status).toBe(422);
    expect(farChain.json.message).toMatch(/^chainId: must be a chain id below 2\^31/);
    const farFuture = await post({
      ...body,
      action: { ...body.action, occurredAt: "18446744073709551615" },
    });
    expect(farFuture.status).toBe(422);
    expect(farFuture.json.message).toMatch(
      /^action\.occurredAt: must be unix seconds no later than the year 9999/,
    );
    const nul = await post({ ...body, action: { ...body.action, summary: "a\u0000b" } });
    expect(nul.status).toBe(422);
    expect(await countRows()).toEqual(before);
  });

  it("refuses a statement that cites nothing, or a malformed one, with 422", async () => {
    const none = await post(await signed(statement({ citedOutputs: [] })));
    expect(none.status).toBe(422);
    expect(none.json.message).toMatch(/must cite at least one output hash or earlier action/);
    const body = await signed(statement());
    const badKind = await post({ ...body, action: { ...body.action, kind: "teleport" } });
    expect(badKind.status).toBe(422);
    expect(badKind.json.message).toMatch(/^action\.kind/);
  });
});
