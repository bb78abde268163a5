import "server-only";
import { getPool } from "@/lib/db/client";

export interface DatabaseStatus {
  ok: true;
  serverVersion: string;
  latencyMs: number;
  migrations: number;
  tables: { table: string; rows: number }[];
}

export interface DatabaseDown {
  ok: false;
  error: string;
}

/**
 * Asks Postgres itself: server version, round-trip time, applied migrations and the
 * row count of every table in the public schema (exact up to COUNT_CAP, then "more"). Never throws: an unreachable
 * database is a status to show, not a crash.
 */
export async function getDatabaseStatus(): Promise<DatabaseStatus | DatabaseDown> {
  try {
    const pool = getPool();
    const started = performance.now();
    const version = await pool.query<{ v: string }>(
      "SELECT current_setting('server_version') AS v",
    );
    const latencyMs = performance.now() - started;
    const { rows: names } = await pool.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
        ORDER BY table_name`,
    );
    const tables = names.length ? await countRows(names.map((n) => n.name)) : [];
    const migrations = await pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL',
    );
    return {
      ok: true,
      serverVersion: version.rows[0]!.v,
      latencyMs,
      migrations: Number(migrations.rows[0]!.n),
      tables,
    };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Counting stops here: the overview must stay fast on tables of any size. */
export const COUNT_CAP = 1_000_000;

async function countRows(tables: string[]): Promise<{ table: string; rows: number }[]> {
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const sql = tables
    .map(
      (t, i) =>
        `SELECT $${i + 1}::text AS table, (SELECT count(*) FROM (SELECT 1 FROM ${quote(t)} LIMIT ${COUNT_CAP + 1}) s)::bigint AS rows`,
    )
    .join(" UNION ALL ");
  const { rows } = await getPool().query<{ table: string; rows: string }>(sql, tables);
  return rows.map((r) => ({ table: r.table, rows: Number(r.rows) }));
}
