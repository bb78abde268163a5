import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runIndexer } from "@/lib/indexer";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { ALL_FAULTS, startFaultyRpcProxy, type FaultyRpcProxy } from "../helpers/faulty-rpc-proxy";
import {
  liveSettlements,
  resetIndexedData,
  startFloodChain,
  type FloodChain,
} from "../helpers/flood-chain";

const SEED = Number(process.env.FAULT_SEED ?? 7);
const BLOCKS = 90;

let chain: FloodChain;
let proxy: FaultyRpcProxy;
let clean: TestDatabase;
let faulty: TestDatabase;

beforeAll(async () => {
  chain = await startFloodChain();
  for (let b = 0; b < BLOCKS; b++) {
    if (b % 3 !== 0) await chain.send(4, `fault-${b}`);
    await chain.mine();
  }
  proxy = await startFaultyRpcProxy({
    target: chain.rpcUrl,
    seed: SEED,
    faultRate: 0.35,
    hangMs: 1500,
  });
  [clean, faulty] = await Promise.all([createTestDatabase(), createTestDatabase()]);
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await chain?.stop();
  await clean?.close();
  await faulty?.close();
});

describe(`the indexer behind a faulty RPC (seed ${SEED})`, () => {
  it("finishes with the same rows as without faults, each kind of fault met along the way", async () => {
    await runIndexer({
      pool: clean.pool,
      config: chain.sources,
      mode: "until-head",
      finalityDepth: 6,
    });
    const expected = await liveSettlements(clean.pool);
    expect(expected.length).toBe((BLOCKS - BLOCKS / 3) * 4);
    const config = chain.sources.map((s) => ({ ...s, rpcUrl: proxy.url }));
    // Faults are drawn per request; index afresh until every kind has been injected at least
    // once (a few rounds), and every round must end with exactly the fault-free rows.
    for (let round = 0; round < 6; round++) {
      await resetIndexedData(faulty.pool);
      await runIndexer({
        pool: faulty.pool,
        config,
        mode: "until-head",
        finalityDepth: 6,
        maxRange: 8n,
        rpc: { timeoutMs: 800, backoffMs: 20, retries: 12 },
      });
      expect(await liveSettlements(faulty.pool), `seed ${SEED}, round ${round}`).toEqual(expected);
      if (ALL_FAULTS.every((kind) => proxy.stats().faults[kind] > 0)) break;
    }
    const { faults } = proxy.stats();
    for (const kind of ALL_FAULTS)
      expect(faults[kind], `seed ${SEED}: ${kind} injected`).toBeGreaterThan(0);
  }, 300_000);
});
