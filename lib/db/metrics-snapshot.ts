import "server-only";
import { getPool } from "@/lib/db/client";

/** One row per source: its chain's head, its checkpoint, and how long it has been behind. */
export type SourceLagRow = {
  chain_id: number;
  chain: string;
  head_block: string | null;
  source: string;
  kind: string;
  checkpoint_block: string | null;
  behind_seconds: number | null;
  unknown_events: string;
};

/** What /metrics reads from the database at scrape time: small tables and estimates only. */
export type MetricsSnapshot = {
  sources: SourceLagRow[];
  chains: { chain_id: number; chain: string; head_block: string | null }[];
  findingsOpen: { kind: string; n: string }[];
  linker: {
    last_duration_ms: number | null;
    consecutive_failures: number | null;
    last_success_at: Date | null;
    last_error_at: Date | null;
  } | null;
  tableRows: { table: string; n: string }[];
};

/** The evidence tables the indexer and the ingest API fill, whose sizes /metrics reports. */
const EVIDENCE_TABLES = [
  "block",
  "registry_event",
  "receipt",
  "settlement",
  "hub_event",
  "workflow_event",
  "inference",
  "payment",
  "agent_action",
];

/**
 * Reads everything /metrics needs in four cheap queries. Note: row counts of the big tables
 * are PostgreSQL's own estimates (pg_stat_user_tables.n_live_tup), never count(*), so a
 * scrape costs the same on a hundred rows as on a hundred million; open findings are
 * counted exactly (few, and filtered on resolved_at).
 */
export async function readMetricsSnapshot(): Promise<MetricsSnapshot> {
  const pool = getPool();
  const [sources, chains, findings, linker, tables] = await Promise.all([
    pool.query<SourceLagRow>(
      `SELECT ch.id AS chain_id, ch.name AS chain, ch.head_block::text, s.label AS source, s.kind,
              c.block_number::text AS checkpoint_block, s.unknown_events::text,
              CASE WHEN c.block_number IS NULL OR ch.head_block IS NULL THEN NULL
                   WHEN c.block_number >= ch.head_block THEN 0
                   ELSE extract(epoch FROM now() - c.updated_at)::float8 END AS behind_seconds
         FROM source s JOIN chain ch ON ch.id = s.chain_id
         LEFT JOIN source_checkpoint c ON c.source_id = s.id
        WHERE s.enabled
        ORDER BY ch.id, s.label`,
    ),
    pool.query<{ chain_id: number; chain: string; head_block: string | null }>(
      "SELECT id AS chain_id, name AS chain, head_block::text FROM chain ORDER BY id",
    ),
    pool.query<{ kind: string; n: string }>(
      "SELECT kind::text, count(*)::text AS n FROM finding WHERE resolved_at IS NULL GROUP BY kind",
    ),
    pool.query<NonNullable<MetricsSnapshot["linker"]>>(
      `SELECT last_duration_ms, consecutive_failures, last_success_at, last_error_at
         FROM linker_health WHERE id = 'linker'`,
    ),
    pool.query<{ table: string; n: string }>(
      `SELECT relname AS table, n_live_tup::text AS n FROM pg_stat_user_tables
        WHERE schemaname = current_schema() AND relname = ANY($1)`,
      [EVIDENCE_TABLES],
    ),
  ]);
  return {
    sources: sources.rows,
    chains: chains.rows,
    findingsOpen: findings.rows,
    linker: linker.rows[0] ?? null,
    tableRows: tables.rows,
  };
}
