import { createPublicClient, hexToString, http, type Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SETTLEMENT_RELAY_ABI } from "@/lib/chain/abis/settlement-relay";
import { TEE_REGISTRY_ABI } from "@/lib/chain/abis/tee-registry";
import type { Devnet } from "@/lib/devnet";
import type { StoryManifest } from "@/lib/devnet/scenario";
import { parseTreeDump, verifyTreeDump } from "@/lib/evidence/merkle";
import { verifyTeeSignature } from "@/lib/evidence/tee-signature";
import type { TestDatabase } from "../helpers/db";
import { playStoryIntoTestDatabase, type PlayedStory } from "../helpers/story";

/** Seeded, and small enough to run in seconds; `STORY_TEST_REQUESTS` makes it bigger. */
const SEED = process.env.STORY_TEST_SEED ?? "story-test";
const REQUESTS = Number(process.env.STORY_TEST_REQUESTS ?? 120);

let db: TestDatabase;
let devnet: Devnet;
let manifest: StoryManifest;
let og: ReturnType<typeof createPublicClient>;
let delivered: { receipts: number; actions: number };

const source = (kind: string) => devnet.sources.find((s) => s.kind === kind)!;
const keyCache = new Map<string, Hex>();
async function registryKey(teeId: Hex): Promise<Hex> {
  if (!keyCache.has(teeId)) {
    const tee = (await og.readContract({
      address: source("tee_registry").address,
      abi: TEE_REGISTRY_ABI,
      functionName: "getTEE",
      args: [teeId],
    })) as { publicKey: Hex };
    keyCache.set(teeId, tee.publicKey);
  }
  return keyCache.get(teeId)!;
}

/** Checks a signature as published on chain (hex bytes) against the registry's key. */
async function checkOnChainSignature(
  teeId: Hex,
  requestHash: string,
  outputHash: string,
  timestamp: bigint | string,
  signature: Hex,
) {
  return verifyTeeSignature({
    publicKey: await registryKey(teeId),
    teeId,
    requestHash,
    outputHash,
    timestamp,
    signature: Buffer.from(signature.slice(2), "hex").toString("base64"),
  });
}

let story: PlayedStory;

beforeAll(async () => {
  story = await playStoryIntoTestDatabase(SEED, REQUESTS);
  ({ db, devnet, manifest, delivered } = story);
  og = createPublicClient({ transport: http(devnet.chains[0]!.rpcUrl) });
}, 240_000);

afterAll(async () => {
  await story?.stop();
});

describe(`the devnet story (seed ${SEED}, ${REQUESTS} requests)`, () => {
  it("every individual settlement on chain carries a signature that verifies with the registry's key", async () => {
    const logs = await og.getContractEvents({
      address: source("settlement_relay").address,
      abi: SETTLEMENT_RELAY_ABI,
      eventName: "IndividualSettlement",
      fromBlock: 0n,
    });
    expect(logs).toHaveLength(manifest.counts.individualSettlements!);
    for (const { args } of logs) {
      const check = await checkOnChainSignature(
        args.teeId!,
        args.inputHash!,
        args.outputHash!,
        args.timestamp!,
        args.signature!,
      );
      expect(check, `settlement of ${args.outputHash}`).toEqual({ ok: true });
    }
  });

  it("every batch's blob has the on-chain root, and each leaf proves and its signature verifies", async () => {
    const logs = await og.getContractEvents({
      address: source("settlement_relay").address,
      abi: SETTLEMENT_RELAY_ABI,
      eventName: "BatchSettlement",
      fromBlock: 0n,
    });
    expect(logs).toHaveLength(manifest.counts.batches!);
    for (const { args } of logs) {
      const blobId = hexToString(args.walrusBlobId!);
      const text = await (
        await fetch(`${source("settlement_relay").blobStoreUrl}/blobs/${blobId}`)
      ).text();
      const parsed = parseTreeDump(text);
      if (!parsed.ok) throw new Error(parsed.error);
      const result = verifyTreeDump(parsed.dump, args.merkleRoot!);
      expect(result.rootOk).toBe(true);
      expect(result.leaves.every((l) => l.ok)).toBe(true);
      expect(parsed.dump.values).toHaveLength(Number(args.batchSize));
      for (const { value } of parsed.dump.values) {
        const [teeId, requestHash, outputHash, signature, timestamp] = value as string[];
        const check = await checkOnChainSignature(
          teeId as Hex,
          requestHash!,
          outputHash!,
          timestamp!,
          signature as Hex,
        );
        expect(check).toEqual({ ok: true });
      }
    }
  });

  it("every stored receipt verifies, recomputed hashes included, except exactly the two planted corruptions", async () => {
    const { rows } = await db.pool.query(
      "SELECT tee_id, request_hash, output_hash, tee_timestamp, signature, request_payload, reply_text FROM receipt",
    );
    expect(rows).toHaveLength(delivered.receipts);
    const failing: string[] = [];
    for (const r of rows) {
      const check = verifyTeeSignature({
        publicKey: await registryKey(r.tee_id),
        teeId: r.tee_id,
        requestHash: r.request_hash,
        outputHash: r.output_hash,
        timestamp: r.tee_timestamp,
        signature: r.signature,
        payload: r.request_payload
          ? { request: r.request_payload, reply: r.reply_text }
          : undefined,
      });
      if (!check.ok) {
        expect(check.reason).toBe("bad_signature");
        failing.push(r.output_hash);
      }
    }
    expect(failing.sort()).toEqual([...manifest.faults.corruptedSignatures].sort());
    expect(rows.filter((r) => r.request_payload).length).toBeGreaterThan(rows.length / 2);
  });

  it("exactly the planted settlement matches no receipt", async () => {
    const relay = source("settlement_relay").address;
    const individual = await og.getContractEvents({
      address: relay,
      abi: SETTLEMENT_RELAY_ABI,
      eventName: "IndividualSettlement",
      fromBlock: 0n,
    });
    const settled = new Set(individual.map((l) => l.args.outputHash!));
    const received = new Set(
      (await db.pool.query("SELECT output_hash FROM receipt")).rows.map((r) => r.output_hash),
    );
    const orphans = [...settled].filter((h) => !received.has(h));
    expect(orphans).toEqual(manifest.faults.settlementWithoutReceipt);
  });

  it("revokes v1.1.0 on chain, and the stale records are exactly C's receipts signed after it", async () => {
    const c = manifest.enclaves.find((e) => e.name === "C")!;
    const revoked = await og.getContractEvents({
      address: source("tee_registry").address,
      abi: TEE_REGISTRY_ABI,
      eventName: "PCRRevoked",
      fromBlock: 0n,
    });
    expect(revoked.map((l) => l.args.pcrHash)).toEqual([c.pcrHash]);
    const block = await og.getBlock({ blockNumber: revoked[0]!.blockNumber });
    expect(Number(block.timestamp)).toBeGreaterThanOrEqual(manifest.rollbackTime);
    const { rows } = await db.pool.query(
      "SELECT output_hash FROM receipt WHERE tee_id = $1 AND tee_timestamp >= $2",
      [c.teeId, manifest.rollbackTime],
    );
    expect(rows.map((r) => r.output_hash).sort()).toEqual(
      [...manifest.faults.staleAfterRollback].sort(),
    );
    expect(manifest.faults.staleAfterRollback.length).toBeGreaterThanOrEqual(3);
  });

  it("stores every agent action, some citing earlier actions three levels deep", async () => {
    expect(delivered.actions).toBe(manifest.counts.agentActions);
    const { rows } = await db.pool.query(`
      WITH RECURSIVE depth(id, d) AS (
        SELECT a.id, 1 FROM agent_action a
         WHERE NOT EXISTS (SELECT 1 FROM agent_action_citation c WHERE c.action_id = a.id AND c.cited_action_id IS NOT NULL)
        UNION ALL
        SELECT c.action_id, depth.d + 1 FROM agent_action_citation c JOIN depth ON c.cited_action_id = depth.id
      ) SELECT count(DISTINCT id)::int AS actions, max(d)::int AS deepest FROM depth`);
    expect(rows[0]).toEqual({ actions: manifest.counts.agentActions, deepest: 3 });
    const onchain = await db.pool.query(
      "SELECT count(*)::int AS n FROM agent_action WHERE tx_hash IS NOT NULL",
    );
    expect(onchain.rows[0].n).toBeGreaterThan(0);
  });

  it("spreads traffic over hours of chain time that end before now", () => {
    expect(manifest.end - manifest.start).toBeGreaterThan(4 * 3600);
    expect(manifest.end).toBeLessThan(Date.now() / 1000);
  });
});

describe("the indexer on the devnet story", () => {
  let summary: { events: number };
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.pool.query<{ n: string }>(sql, params)).rows[0]!.n);
  const findings = async (kind: string) =>
    (
      await db.pool.query<{ output_hash: string }>(
        `SELECT COALESCE(i.output_hash, s.output_hash, f.evidence->>'outputHash') AS output_hash
           FROM finding f LEFT JOIN inference i ON i.id = f.inference_id LEFT JOIN settlement s ON s.id = f.settlement_id
          WHERE f.kind = $1 AND f.resolved_at IS NULL`,
        [kind],
      )
    ).rows
      .map((r) => r.output_hash)
      .sort();

  beforeAll(async () => {
    const { runIndexer } = await import("@/lib/indexer");
    summary = await runIndexer({ pool: db.pool, config: devnet.sources, mode: "until-head" });
  }, 240_000);

  it("writes one row per on-chain event and one leaf per batched request", async () => {
    expect(summary.events).toBeGreaterThan(0);
    expect(await count("SELECT count(*) AS n FROM settlement WHERE kind = 'individual'")).toBe(
      manifest.counts.individualSettlements,
    );
    expect(
      await count(
        "SELECT count(*) AS n FROM settlement WHERE kind = 'batch' AND expanded_at IS NOT NULL",
      ),
    ).toBe(manifest.counts.batches);
    expect(await count("SELECT count(*) AS n FROM batch_leaf WHERE proof_valid")).toBe(
      manifest.counts.llmRequests! - manifest.counts.individualSettlements!,
    );
    expect(await count("SELECT count(*) AS n FROM payment")).toBe(manifest.counts.payments);
    expect(await count("SELECT count(*) AS n FROM enclave")).toBe(3);
    expect(
      await count("SELECT count(*) AS n FROM hub_event WHERE event_name = 'ModelInferenceEvent'"),
    ).toBe(manifest.counts.onnxRequests);
  });

  it("verifies every receipt against the registry key, failing exactly the corrupted ones", async () => {
    expect(await count("SELECT count(*) AS n FROM receipt WHERE signature_status = 'valid'")).toBe(
      delivered.receipts - manifest.faults.corruptedSignatures.length,
    );
    expect(await findings("bad_signature")).toEqual(
      [...manifest.faults.corruptedSignatures].sort(),
    );
  });

  it("finds exactly the planted settlement without receipt and the records served after the rollback", async () => {
    expect(await findings("settlement_without_receipt")).toEqual(
      manifest.faults.settlementWithoutReceipt,
    );
    expect(await findings("stale_after_rollback")).toEqual(
      [...manifest.faults.staleAfterRollback].sort(),
    );
    expect(await findings("receipt_never_settled")).toEqual([]);
  });

  it("attributes every LLM inference to its runtime version and links it to its settlement", async () => {
    const { rows } = await db.pool.query(
      `SELECT mv.label, count(*)::int AS n, count(*) FILTER (WHERE i.settlement_id IS NULL)::int AS unsettled
         FROM inference i JOIN model_version mv ON mv.id = i.model_version_id
        WHERE i.receipt_id IS NOT NULL GROUP BY mv.label ORDER BY mv.label`,
    );
    expect(rows.map((r) => r.label)).toEqual(["v1.0.0", "v1.1.0"]);
    expect(rows.reduce((a, r) => a + r.n, 0)).toBe(delivered.receipts);
    expect(rows.every((r) => r.unsettled === 0)).toBe(true);
    const bad = manifest.enclaves.find((e) => e.version === "v1.1.0")!;
    const { rows: deployments } = await db.pool.query(
      `SELECT d.basis, d.valid_to FROM deployment d JOIN model_version mv ON mv.id = d.model_version_id
        WHERE mv.pcr_hash = $1 AND d.superseded_at IS NULL`,
      [bad.pcrHash],
    );
    expect(deployments.length).toBeGreaterThan(0);
    for (const d of deployments) {
      expect(d.basis).toBe("revocation");
      expect(d.valid_to.getTime() / 1000).toBeGreaterThanOrEqual(manifest.rollbackTime);
    }
  });

  it("allocates payments to the inferences of their x402 sessions", async () => {
    const allocated = await count("SELECT count(DISTINCT payment_id) AS n FROM payment_allocation");
    const orphanPayments = await count(
      "SELECT count(*) AS n FROM finding WHERE kind = 'payment_without_inference' AND resolved_at IS NULL",
    );
    expect(allocated + orphanPayments).toBe(manifest.counts.payments);
    expect(allocated).toBeGreaterThan(manifest.counts.payments! / 2);
    const { rows } = await db.pool.query(
      `SELECT p.value::text AS value, sum(a.amount)::text AS total FROM payment p JOIN payment_allocation a ON a.payment_id = p.id GROUP BY p.id`,
    );
    for (const r of rows) expect(r.total).toBe(r.value);
    // Two payers' integrations pass on the gateway's per-request cost, the third does not.
    const { rows: methods } = await db.pool.query(
      "SELECT DISTINCT method FROM payment_allocation ORDER BY method",
    );
    expect(methods.map((m) => m.method)).toEqual(
      expect.arrayContaining(["per_request_amount", "session_equal_split"]),
    );
  });

  it("is idempotent: a second run adds nothing and changes no finding", async () => {
    const before = await db.pool.query(
      "SELECT kind, count(*)::int AS n FROM finding GROUP BY kind ORDER BY kind",
    );
    const rowsBefore = await count(
      "SELECT (SELECT count(*) FROM settlement) + (SELECT count(*) FROM inference) AS n",
    );
    const { runIndexer } = await import("@/lib/indexer");
    const again = await runIndexer({ pool: db.pool, config: devnet.sources, mode: "until-head" });
    expect(again.events).toBe(0);
    expect(
      await count(
        "SELECT (SELECT count(*) FROM settlement) + (SELECT count(*) FROM inference) AS n",
      ),
    ).toBe(rowsBefore);
    const after = await db.pool.query(
      "SELECT kind, count(*)::int AS n FROM finding GROUP BY kind ORDER BY kind",
    );
    expect(after.rows).toEqual(before.rows);
  });
});

describe("batch expansion", () => {
  it("turns a missing blob into a finding, a wrong one into another, and expands it once the right blob appears", async () => {
    const { createDevnetClients, compileContracts } = await import("@/lib/devnet");
    const { buildStandardTree } = await import("@/lib/evidence/merkle");
    const { runIndexer } = await import("@/lib/indexer");
    const { expandBatches } = await import("@/lib/indexer/expand-batches");
    const { runLinker } = await import("@/lib/indexer/link");
    const { stringToHex, keccak256, toHex } = await import("viem");
    const relay = source("settlement_relay");
    const clients = await createDevnetClients(relay.chainId, relay.rpcUrl);
    const { SettlementRelay } = await compileContracts();
    const leaf = (i: number) => [
      keccak256(toHex(`tee-${i}`)),
      keccak256(toHex(`in-${i}`)),
      keccak256(toHex(`out-${i}`)),
      "0x01",
      String(1_700_000_000 + i),
    ];
    const dump = buildStandardTree([leaf(1), leaf(2), leaf(3)]);
    const blobId = "late-blob-0000000000000000000000000000000000";
    const hash = await clients.walletClient.writeContract({
      address: relay.address,
      abi: SettlementRelay.abi,
      functionName: "settleBatch",
      args: [dump.tree[0], 3n, stringToHex(blobId)],
      account: clients.deployer,
    });
    await clients.publicClient.waitForTransactionReceipt({ hash });
    await runIndexer({ pool: db.pool, config: devnet.sources, mode: "until-head" });
    const finding = async () =>
      (
        await db.pool.query(
          `SELECT f.kind, f.resolved_at IS NOT NULL AS resolved FROM finding f JOIN settlement s ON s.id = f.settlement_id
            WHERE s.blob_id = $1 AND f.kind IN ('batch_blob_missing', 'batch_root_mismatch')`,
          [blobId],
        )
      ).rows;
    expect(await finding()).toEqual([{ kind: "batch_blob_missing", resolved: false }]);

    const wrong = buildStandardTree([leaf(4), leaf(5)]);
    await devnet.blobStore.put(blobId, JSON.stringify(wrong));
    expect(await expandBatches(db.pool, { retryAfterMs: 0 })).toEqual({ expanded: 0, failed: 1 });
    await runLinker(db.pool);
    expect(await finding()).toEqual([{ kind: "batch_root_mismatch", resolved: false }]);

    await devnet.blobStore.put(blobId, JSON.stringify(dump));
    expect(await expandBatches(db.pool, { retryAfterMs: 0 })).toEqual({ expanded: 1, failed: 0 });
    await runLinker(db.pool);
    expect(await finding()).toEqual([{ kind: "batch_root_mismatch", resolved: true }]);
    const leaves = await db.pool.query(
      "SELECT leaf_index, proof_valid FROM batch_leaf l JOIN settlement s ON s.id = l.settlement_id WHERE s.blob_id = $1 ORDER BY leaf_index",
      [blobId],
    );
    expect(leaves.rows).toEqual([0, 1, 2].map((i) => ({ leaf_index: i, proof_valid: true })));
  });
});
