import "server-only";
import type { IndexerStatus } from "@/lib/api/schemas/status";
import { getPool } from "@/lib/db/client";

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Each chain's head and each source's checkpoint, lag and last error, as the indexer left them. */
export async function getIndexerStatus(): Promise<IndexerStatus> {
  const pool = getPool();
  const [chains, sources, findings] = await Promise.all([
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
      lastError: s.last_error,
      lastErrorAt: iso(s.last_error_at),
      unknownEvents: s.unknown_events,
    })),
    findings: { open: Number(findings.rows[0]!.n) },
  };
}
