import "server-only";
import { redactSecrets, registeredSecretUrls } from "@/lib/chain/redact-url";
import type { ChainHealth, IndexerHealth, SupervisorSummary } from "@/lib/api/schemas/status";
import { getPool } from "@/lib/db/client";
import { readMigrations } from "@/lib/db/migrate";
import { dataDir, getEnv } from "@/lib/env";
import { createDatabaseProbe, type DatabaseProbe } from "./db-probe";
import { readSupervisorState } from "./supervisor-state";

/** One check behind /api/ready: its name, whether it passed, and a sentence either way. */
export interface HealthCheck {
  name: string;
  ok: boolean;
  detail: string;
}

const redact = (text: string) => redactSecrets(text, registeredSecretUrls());

// Note: route handlers and the server (scripts/serve.ts) are separate module graphs in one
// process; one probe on globalThis keeps them to one connection.
const globalProbe = globalThis as unknown as { __provenanceDbProbe?: DatabaseProbe };

function probe(): DatabaseProbe | null {
  const url = getEnv().DATABASE_URL;
  if (!url) return null;
  return (globalProbe.__provenanceDbProbe ??= createDatabaseProbe(url));
}

/** Liveness: this server can answer from the database (a dead database is not "ok"). */
export async function checkLiveness(): Promise<HealthCheck> {
  const db = probe();
  if (!db) return { name: "database", ok: false, detail: "DATABASE_URL is not set." };
  const state = await db.check();
  return state.up
    ? { name: "database", ok: true, detail: "The database answers." }
    : {
        name: "database",
        ok: false,
        detail: `The database is unreachable: ${redact(state.error ?? "no answer")}.`,
      };
}

/**
 * Readiness: the database answers, every migration in prisma/migrations is applied, and each
 * chain's indexer loop has beaten and synced recently. Each failing check says why.
 */
export async function checkReadiness(): Promise<{ ready: boolean; checks: HealthCheck[] }> {
  const database = await checkLiveness();
  if (!database.ok) return { ready: false, checks: [database] };
  const checks = [database];
  const [migrations, indexer] = await Promise.all([
    checkMigrations(),
    getIndexerHealth().catch((error: Error) => error),
  ]);
  checks.push(migrations);
  if (indexer instanceof Error) {
    checks.push({ name: "indexer", ok: false, detail: redact(indexer.message) });
  } else if (indexer.chains.length === 0) {
    checks.push({
      name: "indexer",
      ok: false,
      detail: "No indexer has registered a chain yet: start it (npm run indexer).",
    });
  } else {
    for (const chain of indexer.chains) {
      checks.push({
        name: `chain ${chain.chainId}`,
        ok: chain.state === "ok",
        detail: chain.message,
      });
    }
  }
  for (const part of indexer instanceof Error ? [] : (indexer.supervisor ?? [])) {
    if (part.state !== "running") {
      checks.push({ name: `supervisor ${part.name}`, ok: false, detail: part.message });
    }
  }
  return { ready: checks.every((c) => c.ok), checks };
}

let migrationNames: Promise<string[]> | null = null;

async function checkMigrations(): Promise<HealthCheck> {
  migrationNames ??= readMigrations().then((all) => all.map((m) => m.name));
  const [expected, applied] = await Promise.all([
    migrationNames,
    getPool()
      .query<{ name: string }>(
        `SELECT migration_name AS name FROM "_prisma_migrations"
          WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      )
      .then(
        (r) => new Set(r.rows.map((row) => row.name)),
        () => new Set<string>(),
      ),
  ]);
  const missing = expected.filter((name) => !applied.has(name));
  return missing.length === 0
    ? { name: "migrations", ok: true, detail: `All ${expected.length} migrations are applied.` }
    : {
        name: "migrations",
        ok: false,
        detail: `${missing.length} of ${expected.length} migrations are not applied (${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", …" : ""}): run npm run db:migrate.`,
      };
}

interface HeartbeatRow {
  chain_id: number;
  name: string;
  beat_age: number | null;
  synced_age: number | null;
  beat_at: Date | null;
  synced_at: Date | null;
  head_block: string | null;
  rpc_reachable: boolean | null;
  last_error: string | null;
  last_error_at: Date | null;
  consecutive_failures: number | null;
  stopped_at: Date | null;
  stopped_reason: string | null;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const ago = (seconds: number) =>
  seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;

/**
 * Each indexed chain's state from its heartbeat, judged against the database clock: ok,
 * starting (no heartbeat yet), indexer_down (no beat for HEARTBEAT_STALE_SECONDS), stopped
 * (the loop gave up, with its reason), rpc_unreachable (the last RPC call failed) or stale (no
 * sync for HEARTBEAT_STALE_SECONDS), each with a sentence naming the last error. Plus what
 * `npm start`'s supervisor says about the processes it restarts.
 */
export async function getIndexerHealth(): Promise<IndexerHealth> {
  const staleAfter = getEnv().HEARTBEAT_STALE_SECONDS;
  const [{ rows }, supervisor] = await Promise.all([
    getPool().query<HeartbeatRow>(
      `SELECT c.id AS chain_id, c.name, h.beat_at, h.synced_at, h.head_block, h.rpc_reachable,
              h.last_error, h.last_error_at, h.consecutive_failures, h.stopped_at, h.stopped_reason,
              extract(epoch FROM now() - h.beat_at)::float8 AS beat_age,
              extract(epoch FROM now() - h.synced_at)::float8 AS synced_age
         FROM chain c LEFT JOIN chain_heartbeat h ON h.chain_id = c.id
        WHERE EXISTS (SELECT 1 FROM source s WHERE s.chain_id = c.id AND s.enabled)
        ORDER BY c.id DESC`,
    ),
    supervisorSummary(),
  ]);
  return {
    staleAfterSeconds: staleAfter,
    chains: rows.map((row) => judge(row, staleAfter)),
    supervisor,
  };
}

function judge(row: HeartbeatRow, staleAfter: number): ChainHealth {
  const lastError = row.last_error && redact(row.last_error);
  const base = {
    chainId: row.chain_id,
    name: row.name,
    beatAt: iso(row.beat_at),
    syncedAt: iso(row.synced_at),
    headBlock: row.head_block,
    rpcReachable: row.rpc_reachable,
    lastError,
    lastErrorAt: iso(row.last_error_at),
    consecutiveFailures: row.consecutive_failures ?? 0,
  };
  // An error newer than the last sync is the reason the chain is behind.
  const current =
    lastError &&
    row.last_error_at &&
    (!row.synced_at || row.last_error_at.getTime() >= row.synced_at.getTime())
      ? `; last error: ${lastError}`
      : "";
  if (row.beat_age === null) {
    return { ...base, state: "starting", message: "No indexer has reported for this chain yet." };
  }
  if (row.stopped_at && row.stopped_reason) {
    return {
      ...base,
      state: "stopped",
      message: `Indexing stopped: ${redact(row.stopped_reason)}`,
    };
  }
  if (row.beat_age > staleAfter) {
    return {
      ...base,
      state: "indexer_down",
      message: `The indexer is not running: its last heartbeat was ${ago(row.beat_age)} ago${current}.`,
    };
  }
  if (row.rpc_reachable === false) {
    return {
      ...base,
      state: "rpc_unreachable",
      message: `The chain's RPC does not answer${
        row.synced_age === null ? "" : ` (last sync ${ago(row.synced_age)} ago)`
      }: ${lastError ?? "no answer"}.`,
    };
  }
  if (row.synced_age === null || row.synced_age > staleAfter) {
    return {
      ...base,
      state: "stale",
      message:
        row.synced_age === null
          ? `Not synced yet${current}.`
          : `No progress for ${ago(row.synced_age)}${current}.`,
    };
  }
  return { ...base, state: "ok", message: "Following the head." };
}

async function supervisorSummary(): Promise<SupervisorSummary[] | null> {
  const state = await readSupervisorState(dataDir());
  if (!state) return null;
  return state.parts.map((part) => {
    const last = part.lastExit ? `; last exit ${part.lastExit.reason} at ${part.lastExit.at}` : "";
    const restarts = `${part.restarts} ${part.restarts === 1 ? "restart" : "restarts"}`;
    const message =
      part.state === "running"
        ? `${part.name} running (${restarts}${last})`
        : part.state === "restarting"
          ? `${part.name} exited (${part.lastExit?.reason ?? "unknown"}); restarting${
              part.nextStartAt ? ` at ${part.nextStartAt}` : ""
            } (${restarts})${part.lastError ? `; last start failed: ${redact(part.lastError)}` : ""}`
          : `${part.name} stopped${last}`;
    return {
      name: part.name,
      state: part.state,
      restarts: part.restarts,
      lastExitAt: part.lastExit?.at ?? null,
      lastExitReason: part.lastExit?.reason ?? null,
      message,
    };
  });
}
