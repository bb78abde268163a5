import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { EvidenceBundle } from "@/lib/evidence/bundle";
import { incidentTypedData, type IncidentStatement } from "@/lib/evidence/incident-statement";
import { CLAIM_KINDS, type Claim, type ClaimKind } from "@/lib/evidence/verify-bundle";
import { signIn, TEST_ORIGIN } from "../helpers/auth";
import { callGet, callRoute } from "../helpers/route";
import { playStoryIntoTestDatabase, type PlayedStory } from "../helpers/story";
import { flipChar } from "../helpers/flip";

const SEED = process.env.BUNDLE_SEED ?? "bundles";
const REQUESTS = Number(process.env.BUNDLE_REQUESTS ?? 160);
const GPT = "llm:openai/gpt-4.1";
const AUDIT_KEY = generatePrivateKey();
const admin = privateKeyToAccount(generatePrivateKey());
const operator = privateKeyToAccount(generatePrivateKey());
const auditor = privateKeyToAccount(generatePrivateKey());

// Read once by lib/env: set before anything imports it.
process.env.ADMIN_ADDRESSES = admin.address;
process.env.AUDIT_SIGNING_KEY = AUDIT_KEY;

let story: PlayedStory;
let rpcUrls: string[];
const bundles = {} as Record<"receipt" | "batch" | "incident" | "dispute", EvidenceBundle>;
const sameSite = { origin: TEST_ORIGIN };

const sql = async <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
  (await story.db.pool.query<T>(text, params)).rows;

async function verify(bundle: unknown, withChain = true): Promise<Claim[]> {
  const { parseBundle, verifyBundle } = await import("@/lib/evidence/verify-bundle");
  const parsed = parseBundle(bundle);
  if (!parsed.ok) throw new Error(parsed.error);
  const claims = await verifyBundle(parsed.bundle);
  if (!withChain) return claims;
  const { verifyBundleOnChain } = await import("@/lib/evidence/verify-bundle-onchain");
  return [...claims, ...(await verifyBundleOnChain(parsed.bundle, rpcUrls))];
}

beforeAll(async () => {
  story = await playStoryIntoTestDatabase(SEED, REQUESTS);
  rpcUrls = story.devnet.chains.map((c) => c.rpcUrl);
  const { runIndexer } = await import("@/lib/indexer");
  await runIndexer({ pool: story.db.pool, config: story.devnet.sources, mode: "until-head" });
  const routes = {
    nonce: await import("@/app/api/v1/auth/nonce/route"),
    signIn: await import("@/app/api/v1/auth/sign-in/route"),
  };
  const role = await import("@/app/api/v1/users/[address]/role/route");
  const incidents = await import("@/app/api/v1/incidents/route");
  const statementRoute = await import("@/app/api/v1/incidents/statement/route");
  const adminCookie = await signIn(routes, admin);
  const operatorCookie = await signIn(routes, operator);
  const auditorCookie = await signIn(routes, auditor);
  for (const [account, granted] of [
    [operator, "operator"],
    [auditor, "auditor"],
  ] as const) {
    const res = await callRoute(role.PUT, {
      method: "PUT",
      headers: { ...sameSite, cookie: adminCookie },
      params: { address: account.address },
      body: { role: granted },
    });
    expect(res.status).toBe(200);
  }

  // An operator signs the proposal the linker made for the GPT rollback.
  const [p] = await sql<{ id: string; key: string; back: string | null; from: Date; to: Date }>(
    `SELECT i.id, mv.key, back.key AS back, i.window_from AS from, i.window_to AS to
       FROM incident i JOIN model m ON m.id = i.model_id JOIN model_version mv ON mv.id = i.bad_version_id
       LEFT JOIN model_version back ON back.id = i.rolled_back_to_version_id
      WHERE m.name = $1 AND i.status = 'proposed'`,
    [GPT],
  );
  const prepared = await callRoute(statementRoute.POST, {
    headers: { ...sameSite, cookie: operatorCookie },
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
  const recorded = await callRoute(incidents.POST, {
    headers: { ...sameSite, cookie: operatorCookie },
    body: { statement, signature: await operator.signTypedData(incidentTypedData(statement)) },
  });
  expect(recorded.status, JSON.stringify(recorded.json)).toBe(201);
  const incidentId = (recorded.json as { id: string }).id;

  // A shared, individually settled, paid output that agents acted on; and a batch-settled one.
  const [withEverything] = await sql<{ output_hash: string }>(
    `SELECT i.output_hash FROM inference i JOIN receipt r ON r.id = i.receipt_id
       JOIN settlement s ON s.id = i.settlement_id AND s.kind = 'individual'
      WHERE r.reply_text IS NOT NULL AND r.request_payload IS NOT NULL AND i.orphaned_at IS NULL
        AND r.signature_status = 'valid'
        AND EXISTS (SELECT 1 FROM payment_allocation a WHERE a.inference_id = i.id)
        AND EXISTS (SELECT 1 FROM agent_action_citation c JOIN agent_action_citation c2 ON c2.cited_action_id = c.action_id
                     WHERE c.output_hash = i.output_hash)
        AND (SELECT count(*) FROM inference o WHERE o.output_hash = i.output_hash) = 1
      ORDER BY i.occurred_at LIMIT 1`,
  );
  const [batched] = await sql<{ output_hash: string }>(
    `SELECT i.output_hash FROM inference i JOIN batch_leaf l ON l.id = i.batch_leaf_id
      WHERE i.orphaned_at IS NULL AND l.proof_valid AND cardinality(l.proof) > 0
        AND (SELECT count(*) FROM inference o WHERE o.output_hash = i.output_hash) = 1
      ORDER BY i.occurred_at LIMIT 1`,
  );
  expect(
    withEverything,
    "the story has a shared, settled, paid output with 2-level actions",
  ).toBeTruthy();
  expect(batched, "the story has a batch-settled output").toBeTruthy();

  const outputRoute = await import("@/app/api/v1/outputs/[hash]/bundle/route");
  const incidentRoute = await import("@/app/api/v1/incidents/[id]/bundle/route");
  const get = async <P extends Record<string, string>>(
    handler: Parameters<typeof callGet<P>>[0],
    url: string,
    params: P,
  ) => {
    const res = await callGet(handler, url, params);
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    return res.json as unknown as EvidenceBundle;
  };
  bundles.receipt = await get(outputRoute.GET, `/api/v1/outputs/x/bundle`, {
    hash: withEverything!.output_hash,
  });
  bundles.batch = await get(outputRoute.GET, `/api/v1/outputs/x/bundle`, {
    hash: batched!.output_hash,
  });
  bundles.incident = await get(incidentRoute.GET, `/api/v1/incidents/x/bundle`, { id: incidentId });

  // A dispute on the shared output: opened, commented, reviewed, linked to the incident, upheld.
  const disputes = await import("@/app/api/v1/disputes/route");
  const comments = await import("@/app/api/v1/disputes/[id]/comments/route");
  const status = await import("@/app/api/v1/disputes/[id]/status/route");
  const link = await import("@/app/api/v1/disputes/[id]/incident/route");
  const write = async (
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    handler: (request: Request, context: any) => Promise<Response>,
    cookie: string,
    body: unknown,
    params: Record<string, string> = {},
    method = "POST",
  ) => {
    const res = await callRoute(handler, {
      method,
      headers: { ...sameSite, cookie },
      params,
      body,
    });
    expect(res.status, JSON.stringify(res.json)).toBeLessThan(300);
    return res.json as { dispute: { id: string } };
  };
  const opened = await write(disputes.POST, auditorCookie, {
    outputHash: withEverything!.output_hash,
    reason: "The agent **traded** on this answer; was it the bad version?",
  });
  const id = opened.dispute.id;
  await write(
    comments.POST,
    auditorCookie,
    { body: "See @" + operator.address + " for the rollback." },
    { id },
  );
  await write(
    status.POST,
    operatorCookie,
    { status: "under_review", note: "Looking at it." },
    { id },
  );
  await write(link.PUT, operatorCookie, { incidentId, note: "Same window." }, { id }, "PUT");
  await write(
    status.POST,
    operatorCookie,
    { status: "upheld", note: "Produced by v1.1.0." },
    { id },
  );
  const disputeRoute = await import("@/app/api/v1/disputes/[id]/bundle/route");
  bundles.dispute = await get(disputeRoute.GET, `/api/v1/disputes/x/bundle`, { id });
}, 300_000);

afterAll(async () => {
  await story?.stop();
});

describe("evidence bundles of the devnet story", () => {
  it("carry what the issue lists, and every claim passes offline and on chain", async () => {
    const { receipt, batch, incident } = bundles;
    const out = receipt.outputs[0]!;
    expect(out.signed?.from).toBe("receipt");
    expect(out.payload?.request).toBeTruthy();
    expect(out.payload?.reply).toBeTruthy();
    expect(out.enclave?.registration.txHash).toMatch(/^0x/);
    expect(out.settlement?.kind).toBe("individual");
    expect(out.payments.length).toBeGreaterThan(0);
    expect(receipt.agentActions.length).toBeGreaterThan(1);
    expect(batch.outputs[0]!.batchLeaf?.proof.length).toBeGreaterThan(0);
    expect(incident.incidents[0]!.signature).toMatch(/^0x/);
    expect(incident.audit.events.map((e) => e.action)).toContain("incident.confirm");
    expect(incident.audit.checkpoint).not.toBeNull();

    const seen = new Set<ClaimKind>();
    for (const [name, bundle] of Object.entries(bundles)) {
      const claims = await verify(bundle);
      const failed = claims.filter((c) => c.result === "fail");
      expect(failed, `${name}: ${JSON.stringify(failed, null, 1)}`).toEqual([]);
      for (const c of claims) if (c.result === "pass") seen.add(c.kind);
    }
    expect(CLAIM_KINDS.filter((k) => !seen.has(k))).toEqual([]);
    const d = bundles.dispute;
    expect(d.disputes[0]!.status).toBe("upheld");
    expect(d.disputes[0]!.entries.map((e) => e.kind)).toEqual([
      "comment",
      "status_change",
      "incident_link",
      "status_change",
    ]);
    expect(d.incidents.map((i) => i.id)).toEqual([incident.incidents[0]!.id]);
    expect(d.audit.events.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        "dispute.open",
        "dispute.comment",
        "dispute.status",
        "dispute.link_incident",
      ]),
    );
  });

  // For each claim kind: one byte of the file changed, and exactly that claim fails.
  const flips: {
    kind: ClaimKind;
    bundle: keyof typeof bundles;
    at: (b: EvidenceBundle) => [object, string, number?];
  }[] = [
    { kind: "request_hash", bundle: "receipt", at: (b) => [b.outputs[0]!.payload!, "request", 20] },
    { kind: "output_hash", bundle: "receipt", at: (b) => [b.outputs[0]!.payload!, "reply", 0] },
    { kind: "enclave_key", bundle: "receipt", at: (b) => [b.outputs[0]!.enclave!, "teeId", 10] },
    {
      kind: "tee_signature",
      bundle: "receipt",
      at: (b) => [b.outputs[0]!.signed!, "signature", 40],
    },
    {
      kind: "settlement",
      bundle: "receipt",
      at: (b) => [b.outputs[0]!.settlement!, "outputHash", 10],
    },
    { kind: "merkle_proof", bundle: "batch", at: (b) => [b.outputs[0]!.batchLeaf!.proof, "0", 10] },
    { kind: "payment", bundle: "receipt", at: (b) => [b.outputs[0]!.payments[0]!, "from", 10] },
    { kind: "agent_action", bundle: "receipt", at: (b) => [b.agentActions[0]!, "signature", 20] },
    {
      kind: "incident_statement",
      bundle: "incident",
      at: (b) => [b.incidents[0]!, "signature", 20],
    },
    {
      kind: "dispute_thread",
      bundle: "dispute",
      at: (b) => [b.disputes[0]!.entries[0]!, "body", 5],
    },
    { kind: "audit_chain", bundle: "incident", at: (b) => [b.audit.chain[0]!, "actor", 10] },
    {
      kind: "audit_checkpoint",
      bundle: "incident",
      at: (b) => [b.audit.checkpoint!, "signature", 20],
    },
    {
      kind: "onchain_enclave",
      bundle: "receipt",
      at: (b) => [b.outputs[0]!.enclave!.registration, "txHash", 10],
    },
    {
      kind: "onchain_settlement",
      bundle: "receipt",
      at: (b) => [b.outputs[0]!.settlement!, "blockHash", 10],
    },
    {
      kind: "onchain_payment",
      bundle: "receipt",
      at: (b) => [b.outputs[0]!.payments[0]!, "txHash", 10],
    },
  ];

  it.each(flips)(
    "one changed byte fails exactly the $kind claim, naming it",
    async ({ kind, bundle, at }) => {
      const original = bundles[bundle];
      // Offline claims are checked offline; the on-chain ones with --rpc (which also re-reads,
      // and so catches, the values the offline claims rest on).
      const withChain = kind.startsWith("onchain_");
      const before = await verify(original, withChain);
      const copy = structuredClone(original);
      const [holder, key, index = 10] = at(copy);
      const record = holder as Record<string, string>;
      record[key] = flipChar(record[key]!, index);
      // The file differs from the original in exactly one byte.
      const a = Buffer.from(JSON.stringify(original));
      const b = Buffer.from(JSON.stringify(copy));
      expect(a.length).toBe(b.length);
      expect([...a].filter((byte, i) => byte !== b[i])).toHaveLength(1);

      const after = await verify(copy, withChain);
      expect(after).toHaveLength(before.length);
      const changed = after.filter(
        (c, i) => c.result !== before[i]!.result || c.detail !== before[i]!.detail,
      );
      expect(changed, JSON.stringify(changed, null, 1)).toHaveLength(1);
      expect(changed[0]!.kind).toBe(kind);
      expect(changed[0]!.result).toBe("fail");
    },
  );

  it("the bin prints a PASS line per claim, and exits 1 naming a tampered claim", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "bundle-"));
    const file = path.join(dir, "bundle.json");
    await fs.writeFile(file, JSON.stringify(bundles.receipt));
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, ["bin/provenance-verify.mjs", ...args], {
        env: { ...process.env, LOG_LEVEL: "silent" },
      }).then(
        (r) => ({ code: 0, stdout: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      );
    const ok = await run([file, ...rpcUrls.flatMap((u) => ["--rpc", u])]);
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toMatch(/^PASS {2}tee_signature/m);
    expect(ok.stdout).toMatch(/^PASS {2}onchain_settlement/m);
    expect(ok.stdout).toMatch(/\d+ passed, 0 failed/);

    const tampered = structuredClone(bundles.receipt);
    // A letter or digit (from index 40) stays valid base64 when flipped: "+" would become ","
    // and fail as "not base64" instead of reaching the RSA-PSS check.
    const signature = tampered.outputs[0]!.signed!.signature;
    const at = signature.slice(40).search(/[A-Za-z0-9]/) + 40;
    tampered.outputs[0]!.signed!.signature = flipChar(signature, at);
    await fs.writeFile(file, JSON.stringify(tampered));
    const bad = await run([file]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      /^FAIL {2}tee_signature +output 0x[0-9a-f]{8}…: The RSA-PSS signature does not match/m,
    );
    expect(bad.stdout).toMatch(/1 failed/);

    await fs.writeFile(file, "{ not json");
    expect((await run([file])).code).toBe(2);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("answers 404 and 422 with a message for unknown or malformed subjects", async () => {
    const outputRoute = await import("@/app/api/v1/outputs/[hash]/bundle/route");
    const incidentRoute = await import("@/app/api/v1/incidents/[id]/bundle/route");
    const unknown = await callGet(outputRoute.GET, "/x", { hash: `0x${"ab".repeat(32)}` });
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toMatch(/No indexed inference produced output/);
    const malformed = await callGet(outputRoute.GET, "/x", { hash: "0x12" });
    expect(malformed.status).toBe(422);
    const incident = await callGet(incidentRoute.GET, "/x", { id: "not-a-uuid" });
    expect(incident.status).toBe(422);
  });

  // Last: it wipes the index. Permalinks name evidence (output hashes, ids derived from the
  // evidence), never model names or row numbers.
  it("permalinks survive a renamed model and a re-index from scratch", async () => {
    const outputRoute = await import("@/app/api/v1/outputs/[hash]/bundle/route");
    const inferenceRoute = await import("@/app/api/v1/inferences/[id]/route");
    const { hash } = { hash: bundles.receipt.outputs[0]!.outputHash };
    const id = bundles.receipt.outputs[0]!.inferenceId;
    await sql("UPDATE model SET name = name || ' (renamed)' WHERE name = $1", [
      bundles.receipt.outputs[0]!.model,
    ]);
    const renamed = await callGet(inferenceRoute.GET, "/x", { id });
    expect(renamed.status).toBe(200);
    expect((renamed.json.model as { name: string }).name).toMatch(/\(renamed\)$/);

    await sql(
      `TRUNCATE block, source_checkpoint, settlement, batch_leaf, registry_event, enclave, hub_event, workflow_event,
                payment, payment_allocation, finding, deployment, inference, model_version, model, runtime_image,
                source, chain CASCADE`,
    );
    const { runIndexer } = await import("@/lib/indexer");
    await runIndexer({ pool: story.db.pool, config: story.devnet.sources, mode: "until-head" });
    const again = await callGet(outputRoute.GET, "/x", { hash });
    expect(again.status, JSON.stringify(again.json)).toBe(200);
    const rebuilt = again.json as unknown as EvidenceBundle;
    expect(rebuilt.outputs.map((o) => o.inferenceId)).toEqual([id]);
    expect(rebuilt.outputs[0]!.signed).toEqual(bundles.receipt.outputs[0]!.signed);
    expect(rebuilt.outputs[0]!.settlement).toEqual(bundles.receipt.outputs[0]!.settlement);
    const failed = (await verify(rebuilt)).filter((c) => c.result === "fail");
    expect(failed).toEqual([]);
  });

  it("publishes a JSON Schema the bundles satisfy", async () => {
    const route = await import("@/app/api/v1/schemas/evidence-bundle.json/route");
    const res = await callGet(route.GET, "/api/v1/schemas/evidence-bundle.json");
    expect(res.status).toBe(200);
    expect(res.json.$id).toBe("http://localhost/api/v1/schemas/evidence-bundle.json");
    expect(res.json.title).toBe("Provenance evidence bundle");
    const properties = res.json.properties as Record<string, unknown>;
    expect(Object.keys(properties)).toEqual(
      expect.arrayContaining(["outputs", "agentActions", "incidents", "disputes", "audit"]),
    );
  });
});
