import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SourceConfig } from "@/lib/chain/source-config";
import { createIndexerPool, runIndexer, type IndexerOptions } from "@/lib/indexer";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { resetIndexedData, startFloodChain, type FloodChain } from "../helpers/flood-chain";
import { startOutageProxy, type OutageProxy } from "../helpers/outage-proxy";

/** A provider key in B's RPC URL: it must never reach the database. */
const SECRET = "k3y5ecretAbcdef0123456789";
const A = 10740;
const B = 8453;

let a: FloodChain;
let b: FloodChain;
let rpcB: OutageProxy;
let db: TestDatabase;
/** B's sources as the indexer sees them: behind the proxy, with a key in the URL. */
let config: SourceConfig;
const expected = { [A]: 0, [B]: 0 };
let seq = 0;

beforeAll(async () => {
  [a, b, db] = await Promise.all([
    startFloodChain({ chainId: A }),
    startFloodChain({ chainId: B }),
    createTestDatabase(),
  ]);
  rpcB = await startOutageProxy({ host: "127.0.0.1", port: b.anvil.port });
  const proxied = `http://127.0.0.1:${rpcB.port}/?apikey=${SECRET}`;
  config = [...a.sources, ...b.sources.map((s) => ({ ...s, rpcUrl: proxied }))];
  await Promise.all([events(a, 4), events(b, 4)]);
}, 120_000);

afterAll(async () => {
  await rpcB?.stop();
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.close();
});

/** Mines a block with one flood transaction of `count` events. */
async function events(chain: FloodChain, count: number) {
  const tx = await chain.send(count, `follow-${chain.anvil.chainId}-${seq++}`);
  await chain.mine();
  // Note: the flood's gas allowance is short for its very first, small flood (a cold slot).
  const receipt = await chain.rpc<{ status: string }>("eth_getTransactionReceipt", [tx]);
  expect(receipt.status).toBe("0x1");
  expected[chain.anvil.chainId as typeof A] += count;
}

const FAST = {
  mode: "follow",
  finalityDepth: 6,
  pollIntervalMs: 200,
  heartbeatMs: 250,
  rpc: { shortTimeoutMs: 800, backoffMs: 50, retries: 1 },
} as const;

/** runIndexer following until `stop()`; `settled` tells whether it ended on its own. */
function follow(opts: Partial<IndexerOptions> & Pick<IndexerOptions, "pool" | "config">) {
  const controller = new AbortController();
  const state = { settled: false };
  const run = runIndexer({ ...FAST, ...opts, signal: controller.signal }).finally(
    () => (state.settled = true),
  );
  run.catch(() => {});
  return {
    run,
    state,
    async stop() {
      controller.abort();
      return run;
    },
  };
}

async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Heartbeat {
  indexer_pid: number;
  beat_at: Date | null;
  synced_at: Date | null;
  head_block: string | null;
  rpc_reachable: boolean | null;
  last_error: string | null;
  last_error_at: Date | null;
  consecutive_failures: number;
  stopped_at: Date | null;
  stopped_reason: string | null;
}

async function heartbeat(chainId: number): Promise<Heartbeat | undefined> {
  const { rows } = await db.pool.query<Heartbeat>(
    "SELECT * FROM chain_heartbeat WHERE chain_id = $1",
    [chainId],
  );
  return rows[0];
}

const settled = async (chainId: number) =>
  Number(
    (
      await db.pool.query<{ n: string }>(
        "SELECT count(*) AS n FROM settlement WHERE chain_id = $1 AND orphaned_at IS NULL",
        [chainId],
      )
    ).rows[0]!.n,
  );

const dbNow = async () => (await db.pool.query<{ t: Date }>("SELECT now() AS t")).rows[0]!.t;

const lastLinkerPass = async () =>
  (await db.pool.query<{ t: Date | null }>("SELECT max(last_pass_at) AS t FROM linker_health"))
    .rows[0]!.t;

/** Waits until the chain's rows are all there. */
const caughtUp = (chainId: typeof A | typeof B) =>
  until(`chain ${chainId} at ${expected[chainId]} settlements`, async () =>
    (await settled(chainId)) === expected[chainId] ? true : undefined,
  );

/**
 * With B's RPC down: A's new events are indexed and linked, B's heartbeat says unreachable
 * (without the key) and its beat goes on while its synced_at stays.
 */
async function expectBDownAndAGoingOn(since: Date) {
  const down = await until("B's heartbeat to say unreachable", async () => {
    const h = await heartbeat(B);
    return h?.rpc_reachable === false && h.last_error_at! >= since && h;
  });
  expect(down.last_error).toMatch(/^eth_\w+ to http:\/\/127\.0\.0\.1:\d+ failed/);
  expect(down.last_error).not.toContain(SECRET);
  const mined = await dbNow();
  await events(a, 3);
  await caughtUp(A);
  await until("a linker pass after A's new events", async () => {
    const t = await lastLinkerPass();
    return t !== null && t > mined;
  });
  const later = await until("B's beat to move on", async () => {
    const h = (await heartbeat(B))!;
    return h.beat_at! > down.beat_at! && h;
  });
  expect(later.synced_at).toEqual(down.synced_at);
  // The status page's record of the failure (the sources' last_error) has no key either.
  const rows = await until("B's sources to record the failure", async () => {
    const { rows } = await db.pool.query<{ last_error: string | null; last_error_at: Date }>(
      "SELECT last_error, last_error_at FROM source WHERE chain_id = $1",
      [B],
    );
    return rows.every((r) => r.last_error && r.last_error_at >= since) && rows;
  });
  for (const row of rows) expect(row.last_error).not.toContain(SECRET);
}

describe("the indexer following two chains", () => {
  it("goes on with one chain while the other's RPC refuses (from the start, later) or hangs, and catches up when it is back", async () => {
    const pool = createIndexerPool(db.url);
    await rpcB.set("refuse");
    const start = await dbNow();
    const run = follow({ pool, config });
    try {
      await caughtUp(A);
      await expectBDownAndAGoingOn(start);
      expect(await settled(B)).toBe(0);

      const back = async (since: Date) => {
        await rpcB.set(null);
        await events(b, 2);
        await caughtUp(B);
        const head = String(BigInt(await b.rpc<string>("eth_blockNumber")));
        const h = await until("B's heartbeat to be fresh again", async () => {
          const h = (await heartbeat(B))!;
          return h.rpc_reachable === true && h.synced_at! > since && h.head_block === head && h;
        });
        expect(h.consecutive_failures).toBe(0);
      };
      await back(start);

      for (const outage of ["refuse", "hang"] as const) {
        const since = await dbNow();
        await rpcB.set(outage);
        await expectBDownAndAGoingOn(since);
        await events(b, 1);
        await back(since);
      }
      const a1 = (await heartbeat(A))!;
      expect(a1).toMatchObject({ rpc_reachable: true, consecutive_failures: 0, last_error: null });
      expect(a1.indexer_pid).toBe(process.pid);
      expect(run.state.settled).toBe(false);
      await run.stop();
      expect((await heartbeat(A))!.stopped_reason).toBe("The indexer was stopped.");
    } finally {
      await rpcB.set(null);
      await run.stop().catch(() => {});
      await pool.end();
    }
  }, 120_000);

  it("stops only the chain that reorganised deeper than finality; the other goes on", async () => {
    await resetIndexedData(db.pool);
    const pool = createIndexerPool(db.url);
    const run = follow({ pool, config: [...a.sources, ...b.sources] });
    try {
      await Promise.all([caughtUp(A), caughtUp(B)]);
      const fork = await b.rpc<string>("evm_snapshot");
      const before = expected[B];
      for (let i = 0; i < 8; i++) await events(b, 1);
      await caughtUp(B);
      await b.rpc("evm_revert", [fork]);
      expected[B] = before;
      for (let i = 0; i < 9; i++) await events(b, 1);
      const stopped = await until("B to stop", async () => {
        const h = (await heartbeat(B))!;
        return h.stopped_at !== null && h;
      });
      expect(stopped.stopped_reason).toMatch(/reorganised deeper than its finality depth of 6/);
      await events(a, 2);
      await caughtUp(A);
      // A stopped chain's beat stops; the process's other chain keeps beating.
      const [a1, b1] = [(await heartbeat(A))!, (await heartbeat(B))!];
      await until("A's beat to move on", async () => (await heartbeat(A))!.beat_at! > a1.beat_at!);
      expect((await heartbeat(B))!.beat_at).toEqual(b1.beat_at);
      expect(b1.beat_at! <= stopped.stopped_at!).toBe(true);
      expect(run.state.settled).toBe(false);
      await expect(run.stop()).resolves.toMatchObject({ chains: 2 });
    } finally {
      await run.stop().catch(() => {});
      await pool.end();
    }
  }, 120_000);

  it("ends with the error once every chain has stopped (here: the wrong chain id)", async () => {
    await resetIndexedData(db.pool);
    const pool = createIndexerPool(db.url);
    try {
      const wrong = a.sources.map((s) => ({ ...s, chainId: 84532 }));
      await expect(runIndexer({ ...FAST, pool, config: wrong })).rejects.toThrow(
        /serves chain 10740, but the sources say chain 84532/,
      );
      expect((await heartbeat(84532))!.stopped_reason).toMatch(/serves chain 10740/);
    } finally {
      await pool.end();
    }
  }, 60_000);

  it("survives its database going away and coming back", async () => {
    await resetIndexedData(db.pool);
    const url = new URL(db.url);
    const pg = await startOutageProxy({ host: url.hostname, port: Number(url.port) });
    url.port = String(pg.port);
    const pool = createIndexerPool(url.toString());
    const run = follow({ pool, config: [...a.sources, ...b.sources] });
    try {
      await Promise.all([caughtUp(A), caughtUp(B)]);
      await pg.set("refuse");
      await events(a, 2);
      // Long enough for every loop and the heartbeat to fail against it at least once.
      await new Promise((r) => setTimeout(r, 1500));
      const down = await dbNow();
      await pg.set(null);
      await caughtUp(A);
      await until("A's beat after the outage", async () => (await heartbeat(A))!.beat_at! > down);
      expect(run.state.settled).toBe(false);
    } finally {
      await run.stop().catch(() => {});
      await pool.end();
      await pg.stop();
    }
  }, 60_000);
});
