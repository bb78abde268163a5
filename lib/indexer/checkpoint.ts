import type pg from "pg";
import type { Address, Hex } from "viem";
import { chainName } from "@/lib/chain/chains";
import { redactUrl } from "@/lib/chain/json-rpc";
import { redactSecrets, registeredSecretUrls } from "@/lib/chain/redact-url";
import type { SourceConfig } from "@/lib/chain/source-config";
import type { IndexedSource } from "./sources";

/**
 * Upserts the configured chains and sources (one `source` row per chain, address and kind)
 * and returns them with their ids. Rows of sources no longer configured stay (their records
 * are evidence) but are marked disabled.
 */
export async function ensureSources(
  pool: pg.Pool,
  config: SourceConfig,
  finalityDepth: (chainId: number) => number,
): Promise<IndexedSource[]> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    for (const chainId of new Set(config.map((s) => s.chainId))) {
      const rpc = config.find((s) => s.chainId === chainId)!.rpcUrl;
      await client.query(
        `INSERT INTO chain (id, name, rpc_url, finality_depth) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET rpc_url = EXCLUDED.rpc_url, finality_depth = EXCLUDED.finality_depth`,
        [chainId, chainName(chainId), redactUrl(rpc), finalityDepth(chainId)],
      );
    }
    const sources: IndexedSource[] = [];
    for (const row of config) {
      const address = row.address.toLowerCase() as Address;
      const settings = {
        blobStoreUrl: row.blobStoreUrl,
        payees: row.payees?.map((p) => p.toLowerCase()),
      };
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO source (chain_id, kind, address, abi_version, from_block, label, config, enabled)
         VALUES ($1, $2, $3, $4, $5, $6, $7, true)
         ON CONFLICT (chain_id, address, kind) DO UPDATE SET abi_version = EXCLUDED.abi_version,
           from_block = EXCLUDED.from_block, label = EXCLUDED.label, config = EXCLUDED.config, enabled = true
         RETURNING id`,
        [
          row.chainId,
          row.kind,
          address,
          row.abiVersion,
          row.fromBlock,
          row.label,
          JSON.stringify(settings),
        ],
      );
      sources.push({
        id: rows[0]!.id,
        chainId: row.chainId,
        kind: row.kind,
        address,
        abiVersion: row.abiVersion,
        fromBlock: BigInt(row.fromBlock),
        label: row.label,
        blobStoreUrl: row.blobStoreUrl,
        payees: settings.payees as Address[] | undefined,
      });
    }
    await client.query("UPDATE source SET enabled = false WHERE NOT (id = ANY($1::uuid[]))", [
      sources.map((s) => s.id),
    ]);
    await client.query("COMMIT");
    return sources;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The last committed block of each source (absent when nothing was committed yet). */
export async function loadCheckpoints(
  db: pg.Pool | pg.ClientBase,
  sourceIds: readonly string[],
): Promise<Map<string, { blockNumber: bigint; blockHash: Hex }>> {
  const { rows } = await db.query<{ source_id: string; block_number: string; block_hash: Hex }>(
    "SELECT source_id, block_number, block_hash FROM source_checkpoint WHERE source_id = ANY($1::uuid[])",
    [sourceIds],
  );
  return new Map(
    rows.map((r) => [
      r.source_id,
      { blockNumber: BigInt(r.block_number), blockHash: r.block_hash },
    ]),
  );
}

/** Records the error a chain's sources met (shown by /api/v1/status), outside any transaction. */
export async function recordSourceError(
  pool: pg.Pool,
  sourceIds: readonly string[],
  message: string,
) {
  await pool
    .query("UPDATE source SET last_error = $2, last_error_at = now() WHERE id = ANY($1::uuid[])", [
      sourceIds,
      redactSecrets(message, registeredSecretUrls()).slice(0, 2000),
    ])
    .catch(() => {});
}

/** Records a chain's head and when the indexer saw it move there. */
export async function recordHead(pool: pg.Pool, chainId: number, head: bigint) {
  await pool.query("UPDATE chain SET head_block = $2, head_seen_at = now() WHERE id = $1", [
    chainId,
    head.toString(),
  ]);
}
