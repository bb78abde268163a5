import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSourceConfig } from "@/lib/chain/source-config";
import { createRng } from "@/lib/devnet/scenario/rng";
import { runIndexer } from "@/lib/indexer";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { liveSettlements, startFloodChain, type FloodChain } from "../helpers/flood-chain";
import { exited, spawnIndexer } from "../helpers/indexer-cli";

/** Kill count and seed: `CRASH_KILLS=50 CRASH_SEED=x`. */
const KILLS = Number(process.env.CRASH_KILLS ?? 20);
const SEED = process.env.CRASH_SEED ?? "crash";
const BLOCKS = Number(process.env.CRASH_BLOCKS ?? 200);

let chain: FloodChain;
let dir: string;
let configFile: string;

beforeAll(async () => {
  chain = await startFloodChain();
  for (let b = 0; b < BLOCKS; b++) {
    await chain.send(5, `crash-${b}`);
    await chain.mine();
  }
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "indexer-crash-"));
  configFile = path.join(dir, "sources.json");
  await writeSourceConfig(configFile, chain.sources);
}, 120_000);

afterAll(async () => {
  await chain?.stop();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

const checkpoint = async (db: TestDatabase) =>
  Number(
    (
      await db.pool.query<{ n: string | null }>(
        "SELECT max(block_number) AS n FROM source_checkpoint",
      )
    ).rows[0]!.n ?? -1,
  );

async function summary(db: TestDatabase) {
  const { rows } = await db.pool.query(
    `SELECT (SELECT count(*) FROM settlement)::int AS settlements,
            (SELECT count(*) FROM (SELECT DISTINCT chain_id, tx_hash, log_index FROM settlement) d)::int AS distinct_logs,
            (SELECT count(*) FROM finding WHERE resolved_at IS NULL)::int AS findings`,
  );
  return rows[0];
}

describe("the indexer process under SIGKILL", () => {
  it(`ends with the rows of an uninterrupted run after ${KILLS} kills mid-backfill (seed "${SEED}")`, async () => {
    const reference = await createTestDatabase();
    const crashed = await createTestDatabase();
    try {
      await runIndexer({
        pool: reference.pool,
        config: chain.sources,
        mode: "until-head",
        finalityDepth: 6,
      });
      const rng = createRng(SEED);
      const args = [
        "--until-head",
        "--config",
        configFile,
        "--max-range",
        "1",
        "--concurrency",
        "2",
        "--finality-depth",
        "6",
      ];
      let kills = 0;
      while (kills < KILLS) {
        const before = await checkpoint(crashed);
        const child = spawnIndexer(args, crashed.url);
        // Wait for the run to commit something, then kill it at a random moment after.
        while (child.exitCode === null && (await checkpoint(crashed)) === before) await sleep(10);
        await sleep(rng.int(0, 80));
        if (child.exitCode !== null) {
          throw new Error(
            `seed ${SEED}: the backfill finished after ${kills} kills; make CRASH_BLOCKS larger`,
          );
        }
        child.kill("SIGKILL");
        expect(await exited(child)).toBe("SIGKILL");
        kills++;
      }
      const last = spawnIndexer(args, crashed.url);
      expect(await exited(last), last.output()).toBe(0);
      expect(await liveSettlements(crashed.pool), `seed ${SEED}`).toEqual(
        await liveSettlements(reference.pool),
      );
      const s = await summary(crashed);
      expect(s.settlements).toBe(s.distinct_logs);
      expect(s).toEqual(await summary(reference));
      expect(s.settlements).toBe(BLOCKS * 5);
    } finally {
      await reference.close();
      await crashed.close();
    }
  }, 600_000);

  it("leaves a heartbeat that stops moving once the following process is SIGKILLed", async () => {
    const db = await createTestDatabase();
    const child = spawnIndexer(["--config", configFile, "--finality-depth", "6"], db.url);
    try {
      const row = async () =>
        (
          await db.pool.query<{ beat_at: Date; indexer_pid: number }>(
            "SELECT beat_at, indexer_pid FROM chain_heartbeat",
          )
        ).rows[0];
      const deadline = Date.now() + 60_000;
      let first: Awaited<ReturnType<typeof row>>;
      while (!(first = await row())) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(child.output());
        await sleep(100);
      }
      expect(first.indexer_pid).toBe(child.pid);
      // Alive: the beat moves on.
      while ((await row())!.beat_at.getTime() === first.beat_at.getTime()) {
        if (Date.now() > deadline) throw new Error("The heartbeat never moved");
        await sleep(100);
      }
      child.kill("SIGKILL");
      expect(await exited(child)).toBe("SIGKILL");
      const last = (await row())!;
      await sleep(5000); // two and a half beats of 2 s
      expect((await row())!.beat_at).toEqual(last.beat_at);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited(child);
      await db.close();
    }
  }, 120_000);

  it("stops with a clear error and writes nothing when a reorg is deeper than finality", async () => {
    const db = await createTestDatabase();
    try {
      const fork = await chain.rpc<string>("evm_snapshot");
      const base = ["--until-head", "--config", configFile, "--finality-depth", "5"];
      for (let b = 0; b < 8; b++) {
        await chain.send(3, `deep-old-${b}`);
        await chain.mine();
      }
      const first = spawnIndexer(base, db.url);
      expect(await exited(first), first.output()).toBe(0);
      const state = async () =>
        (
          await db.pool.query(
            `SELECT (SELECT count(*) FROM settlement)::int AS rows,
                    (SELECT count(*) FROM settlement WHERE orphaned_at IS NOT NULL)::int AS orphaned,
                    (SELECT json_agg(json_build_array(block_number, block_hash) ORDER BY source_id) FROM source_checkpoint) AS checkpoints,
                    (SELECT count(*) FROM block WHERE orphaned_at IS NULL)::int AS blocks`,
          )
        ).rows[0];
      const before = await state();
      await chain.rpc("evm_revert", [fork]);
      for (let b = 0; b < 9; b++) {
        await chain.send(2, `deep-new-${b}`);
        await chain.mine();
      }
      const second = spawnIndexer(base, db.url);
      expect(await exited(second)).toBe(1);
      expect(second.output()).toMatch(/reorganised deeper than its finality depth of 5 blocks/);
      expect(await state()).toEqual(before);
      expect(before.orphaned).toBe(0);
    } finally {
      await db.close();
    }
  }, 120_000);
});

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
