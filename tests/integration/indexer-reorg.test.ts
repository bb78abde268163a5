import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBlockHeader } from "@/lib/chain/get-logs";
import { createJsonRpcClient } from "@/lib/chain/json-rpc";
import { createRng, type Rng } from "@/lib/devnet/scenario/rng";
import { runIndexer } from "@/lib/indexer";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import {
  liveSettlements,
  resetIndexedData,
  startFloodChain,
  type FloodChain,
} from "../helpers/flood-chain";

/** Scenario count and seed: `REORG_SCENARIOS=200 REORG_SEED=x npm run test:integration`. */
const SCENARIOS = Number(process.env.REORG_SCENARIOS ?? 50);
const SEED = process.env.REORG_SEED ?? "reorg";
const FINALITY = 6;

let chain: FloodChain;
let followed: TestDatabase;
let fresh: TestDatabase;

beforeAll(async () => {
  [chain, followed, fresh] = await Promise.all([
    startFloodChain(),
    createTestDatabase(),
    createTestDatabase(),
  ]);
});

afterAll(async () => {
  await chain?.stop();
  await followed?.close();
  await fresh?.close();
});

const index = (db: TestDatabase) =>
  runIndexer({
    pool: db.pool,
    config: chain.sources,
    mode: "until-head",
    finalityDepth: FINALITY,
    link: false,
    maxRange: 4n,
  });

/** Mines `blocks` blocks, each holding up to two flood transactions of a few events. */
async function mineSome(rng: Rng, blocks: number, tag: string) {
  for (let b = 0; b < blocks; b++) {
    const txs = rng.int(0, 2);
    for (let t = 0; t < txs; t++)
      await chain.send(rng.int(1, 6), `${tag}-${b}-${t}-${rng.int(0, 1e9)}`);
    await chain.mine();
  }
}

describe(`the indexer across reorgs (${SCENARIOS} seeded scenarios, seed "${SEED}", finality ${FINALITY})`, () => {
  it("ends with the live rows of a fresh index of the final chain, every replaced row orphaned", async () => {
    const rpc = createJsonRpcClient(chain.rpcUrl);
    let base = await chain.rpc<string>("evm_snapshot");
    let orphanedTotal = 0;
    for (let i = 0; i < SCENARIOS; i++) {
      const seed = `${SEED}-${i}`;
      const rng = createRng(seed);
      await chain.rpc("evm_revert", [base]);
      base = await chain.rpc<string>("evm_snapshot");
      await Promise.all([resetIndexedData(followed.pool), resetIndexedData(fresh.pool)]);

      await mineSome(rng, rng.int(FINALITY + 1, FINALITY + 8), `${seed}-prefix`);
      const fork = await chain.rpc<string>("evm_snapshot");
      // The fork replaces `depth` indexed blocks (plus one more when the chain moved on).
      const more = rng.chance(0.5);
      const depth = rng.int(1, FINALITY - 1 - (more ? 1 : 0));
      await mineSome(rng, depth, `${seed}-old`);
      await index(followed);
      if (more) {
        // Index part of the old tail too, then let the chain move on before the reorg.
        await mineSome(rng, 1, `${seed}-old-more`);
        await index(followed);
      }
      await chain.rpc("evm_revert", [fork]);
      await mineSome(rng, rng.int(0, depth + 3), `${seed}-new`);
      await index(followed);
      await index(fresh);

      const expected = await liveSettlements(fresh.pool);
      expect(await liveSettlements(followed.pool), `scenario ${seed}: live rows`).toEqual(expected);
      const { rows } = await followed.pool.query<{
        block_number: string;
        block_hash: string;
        orphaned: boolean;
      }>("SELECT block_number, block_hash, orphaned_at IS NOT NULL AS orphaned FROM settlement");
      const canonical = new Map<string, string | undefined>();
      for (const r of rows) {
        if (!canonical.has(r.block_number)) {
          canonical.set(
            r.block_number,
            await getBlockHeader(rpc, BigInt(r.block_number)).then(
              (h) => h.hash,
              () => undefined,
            ),
          );
        }
        const onChain = canonical.get(r.block_number) === r.block_hash;
        expect(
          r.orphaned,
          `scenario ${seed}: block ${r.block_number} ${r.block_hash} canonical=${onChain}`,
        ).toBe(!onChain);
      }
      orphanedTotal += rows.filter((r) => r.orphaned).length;
    }
    // The scenarios did replace rows (not just empty blocks).
    expect(orphanedTotal).toBeGreaterThan(SCENARIOS);
  }, 600_000);
});
