import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSupervisorState } from "@/lib/system/supervisor-state";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { pointAppAtDatabase } from "../helpers/route";

// Readiness and the home page judge each chain from its heartbeat row on the database clock.
// Rows are written here as the indexer would leave them in each situation.

let db: TestDatabase;
let dataDir: string;
const STALE = 6;

/** A chain with one enabled source and a heartbeat whose times are `now() - seconds`. */
async function chainWith(
  id: number,
  beat: {
    beatAgo?: number | null;
    syncedAgo?: number | null;
    errorAgo?: number | null;
    error?: string;
    rpcReachable?: boolean | null;
    stopped?: string;
  },
) {
  await db.pool.query(`INSERT INTO chain (id, name, finality_depth) VALUES ($1, $2, 12)`, [
    id,
    `Chain ${id}`,
  ]);
  await db.pool.query(
    `INSERT INTO source (chain_id, kind, address, abi_version, from_block, label)
     VALUES ($1, 'settlement', $2, 1, 0, 'Settlement')`,
    [id, `0x${id.toString(16).padStart(40, "0")}`],
  );
  if (beat.beatAgo === undefined) return;
  const at = (seconds: number | null | undefined) =>
    seconds === null || seconds === undefined ? null : `${seconds} seconds`;
  await db.pool.query(
    `INSERT INTO chain_heartbeat (chain_id, indexer_pid, started_at, beat_at, synced_at, rpc_reachable,
                                  last_error, last_error_at, consecutive_failures, stopped_at, stopped_reason)
     VALUES ($1, 4242, now() - interval '1 hour', now() - $2::interval, now() - $3::interval, $4,
             $5, now() - $6::interval, $7, CASE WHEN $8::text IS NOT NULL THEN now() END, $8)`,
    [
      id,
      at(beat.beatAgo),
      at(beat.syncedAgo),
      beat.rpcReachable ?? true,
      beat.error ?? null,
      at(beat.errorAgo),
      beat.error ? 3 : 0,
      beat.stopped ?? null,
    ],
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "provenance-health-"));
  pointAppAtDatabase(db.url, { DATA_DIR: dataDir, HEARTBEAT_STALE_SECONDS: String(STALE) });
});

afterAll(async () => {
  const { closeDb } = await import("@/lib/db/client");
  await closeDb();
  await db?.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe("readiness", () => {
  it("is not ready before any indexer registered a chain, and says so", async () => {
    const { GET } = await import("@/app/api/ready/route");
    const answer = await GET();
    expect(answer.status).toBe(503);
    const body = (await answer.json()) as { reasons: string[] };
    expect(body.reasons.join(" ")).toMatch(/No indexer has registered a chain yet/);
  });

  it("judges each chain from its heartbeat, and names what is wrong", async () => {
    await chainWith(1, { beatAgo: 1, syncedAgo: 1 });
    await chainWith(2, { beatAgo: 40, syncedAgo: 40 });
    await chainWith(3, {
      beatAgo: 1,
      syncedAgo: 30,
      errorAgo: 1,
      rpcReachable: false,
      error: "fetch failed: connect ECONNREFUSED 127.0.0.1:9",
    });
    await chainWith(4, { beatAgo: 1, syncedAgo: 20 });
    await chainWith(5, { beatAgo: 1, syncedAgo: 30, stopped: "Reorg deeper than finality" });
    await chainWith(6, {});
    const { getIndexerHealth } = await import("@/lib/system/health");
    const health = await getIndexerHealth();
    const state = Object.fromEntries(health.chains.map((c) => [c.chainId, c]));
    expect(health.staleAfterSeconds).toBe(STALE);
    expect(state[1]!.state).toBe("ok");
    expect(state[2]!.state).toBe("indexer_down");
    expect(state[2]!.message).toMatch(/last heartbeat was 4\d s ago/);
    expect(state[3]!.state).toBe("rpc_unreachable");
    expect(state[3]!.message).toContain("ECONNREFUSED 127.0.0.1:9");
    expect(state[4]!.state).toBe("stale");
    expect(state[4]!.message).toMatch(/No progress for 2\d s/);
    expect(state[5]!.state).toBe("stopped");
    expect(state[5]!.message).toContain("Reorg deeper than finality");
    expect(state[6]!.state).toBe("starting");
    // A chain whose sources are all disabled is not judged.
    await db.pool.query("UPDATE source SET enabled = false WHERE chain_id = 6");
    expect((await getIndexerHealth()).chains.map((c) => c.chainId)).not.toContain(6);

    const { GET } = await import("@/app/api/ready/route");
    const answer = await GET();
    expect(answer.status).toBe(503);
    const body = (await answer.json()) as {
      status: string;
      reasons: string[];
      checks: { name: string; ok: boolean }[];
    };
    expect(body.status).toBe("not_ready");
    expect(body.checks.find((c) => c.name === "database")!.ok).toBe(true);
    expect(body.checks.find((c) => c.name === "migrations")!.ok).toBe(true);
    expect(body.checks.find((c) => c.name === "chain 1")!.ok).toBe(true);
    expect(body.reasons.filter((r) => r.startsWith("chain ")).length).toBe(4);
  });

  it("is ready once every chain beats and syncs", async () => {
    await db.pool.query(
      "UPDATE chain_heartbeat SET beat_at = now(), synced_at = now(), rpc_reachable = true, stopped_at = NULL, stopped_reason = NULL",
    );
    const { GET } = await import("@/app/api/ready/route");
    const answer = await GET();
    const body = (await answer.json()) as { reasons: string[] };
    expect(body.reasons).toEqual([]);
    expect(answer.status).toBe(200);
  });

  it("names a migration that is not applied", async () => {
    const last = await db.pool.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`,
    );
    const name = last.rows[0]!.migration_name;
    await db.pool.query(
      `UPDATE "_prisma_migrations" SET finished_at = NULL WHERE migration_name = $1`,
      [name],
    );
    try {
      const { GET } = await import("@/app/api/ready/route");
      const answer = await GET();
      expect(answer.status).toBe(503);
      const body = (await answer.json()) as { reasons: string[] };
      expect(body.reasons.join(" ")).toContain(`1 of`);
      expect(body.reasons.join(" ")).toContain(name);
    } finally {
      await db.pool.query(
        `UPDATE "_prisma_migrations" SET finished_at = now() WHERE migration_name = $1`,
        [name],
      );
    }
  });

  it("shows what the supervisor restarts, and is not ready while it restarts a part", async () => {
    const now = new Date().toISOString();
    await writeSupervisorState(dataDir, {
      pid: process.pid,
      updatedAt: now,
      parts: [
        {
          name: "indexer",
          state: "restarting",
          pid: null,
          startedAt: null,
          restarts: 2,
          lastExit: { at: now, reason: "SIGKILL" },
          nextStartAt: now,
          lastError: null,
        },
      ],
    });
    const { getIndexerHealth } = await import("@/lib/system/health");
    const health = await getIndexerHealth();
    expect(health.supervisor).toHaveLength(1);
    expect(health.supervisor![0]!.message).toMatch(
      /indexer exited \(SIGKILL\); restarting .*\(2 restarts\)/,
    );
    const { GET } = await import("@/app/api/ready/route");
    const body = (await (await GET()).json()) as { reasons: string[] };
    expect(body.reasons.join(" ")).toMatch(/supervisor indexer: indexer exited \(SIGKILL\)/);
    // A state file whose supervisor is gone says nothing about now.
    await writeSupervisorState(dataDir, { pid: 2 ** 22 + 17, updatedAt: now, parts: [] });
    expect((await getIndexerHealth()).supervisor).toBeNull();
  });
});
