import "server-only";
import { redactSecrets, registeredSecretUrls } from "@/lib/chain/redact-url";
import type { IndexerStatus, LinkerStatus } from "@/lib/api/schemas/status";
import { getPool } from "@/lib/db/client";
import { getIndexerHealth } from "@/lib/system/health";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Each chain's head and each source's checkpoint, lag and last error, and the linker's health,
 * as the indexer left them.
 */
export async function getIndexerStatus(): Promise<IndexerStatus> {
  const pool = getPool();
  const [chains, sources, findings, linker, health] = await Promise.all([
    pool.query<{
      id: number;
      name: string;
      finality_depth: number;
      head_block: string | null;
      head_seen_at: Date | null;
    }>("SELECT id, name, finality_depth, head_block, head_seen_at FROM chain ORDER BY id"),
    pool.query<{
      id: string;
      chain_id: number;
      kind: string;
      address: string;
      label: string;
      enabled: boolean;
      from_block: string;
      block_number: string | null;
      updated_at: Date | null;
      head_block: string | null;
      last_error: string | null;
      last_error_at: Date | null;
      unknown_events: string;
    }>(
      `SELECT s.id, s.chain_id, s.kind, s.address, s.label, s.enabled, s.from_block, c.block_number, c.updated_at,
              ch.head_block, s.last_error, s.last_error_at, s.unknown_events
         FROM source s JOIN chain ch ON ch.id = s.chain_id LEFT JOIN source_checkpoint c ON c.source_id = s.id
        ORDER BY s.chain_id, s.label, s.address`,
    ),
    pool.query<{ n: string }>("SELECT count(*) AS n FROM finding WHERE resolved_at IS NULL"),
    getLinkerStatus(),
    getIndexerHealth(),
  ]);
  return {
    chains: chains.rows.map((c) => ({
      chainId: c.id,
      name: c.name,
      finalityDepth: c.finality_depth,
      headBlock: c.head_block,
      headSeenAt: iso(c.head_seen_at),
    })),
    sources: sources.rows.map((s) => ({
      id: s.id,
      chainId: s.chain_id,
      kind: s.kind,
      address: s.address,
      label: s.label,
      enabled: s.enabled,
      fromBlock: s.from_block,
      checkpointBlock: s.block_number,
      checkpointAt: iso(s.updated_at),
      headBlock: s.head_block,
      lagBlocks:
        s.head_block !== null && s.block_number !== null
          ? String(
              BigInt(s.head_block) > BigInt(s.block_number)
                ? BigInt(s.head_block) - BigInt(s.block_number)
                : 0n,
            )
          : null,
      lastError: s.last_error && redactSecrets(s.last_error, registeredSecretUrls()),
      lastErrorAt: iso(s.last_error_at),
      unknownEvents: s.unknown_events,
    })),
    findings: { open: Number(findings.rows[0]!.n) },
    linker,
    health,
  };
}

/** The linker's row in linker_health (nulls before its first pass) and its receipts set aside. */
async function getLinkerStatus(): Promise<LinkerStatus> {
  const { rows } = await getPool().query<{
    last_pass_at: Date | null;
    last_success_at: Date | null;
    last_duration_ms: number | null;
    last_error: string | null;
    last_error_at: Date | null;
    consecutive_failures: number | null;
    set_aside: string;
  }>(
    `SELECT h.last_pass_at, h.last_success_at, h.last_duration_ms, h.last_error, h.last_error_at,
            h.consecutive_failures, (SELECT count(DISTINCT receipt_id) FROM linker_aside) AS set_aside
       FROM (SELECT 1) one LEFT JOIN linker_health h ON h.id = 'linker'`,
  );
  const h = rows[0]!;
  return {
    lastPassAt: iso(h.last_pass_at),
    lastSuccessAt: iso(h.last_success_at),
    lastDurationMs: h.last_duration_ms,
    lastError: h.last_error && redactSecrets(h.last_error, registeredSecretUrls()),
    lastErrorAt: iso(h.last_error_at),
    consecutiveFailures: h.consecutive_failures ?? 0,
    setAside: Number(h.set_aside),
  };
}
