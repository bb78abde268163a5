import type pg from "pg";
import type { Hex } from "viem";
import { getBlockHeader } from "@/lib/chain/get-logs";
import type { JsonRpcClient } from "@/lib/chain/json-rpc";
import { INDEXER_CHANNEL } from "../write";

/**
 * A reorg replaced blocks the indexer treats as final (deeper than the chain's finality
 * depth). Not retryable: rows below the finality window may be wrong and a person must decide
 * (raise the depth, re-index from scratch). Nothing has been written when it is thrown.
 */
export class DeepReorgError extends Error {
  override name = "DeepReorgError";
}

/** Tables whose rows come from logs; a reorg marks them orphaned above the common ancestor. */
export const CHAIN_DERIVED_TABLES = [
  "registry_event",
  "enclave",
  "settlement",
  "batch_leaf",
  "hub_event",
  "workflow_event",
  "payment",
] as const;

/** The live (not orphaned) headers the indexer keeps for a chain, highest first. */
export async function loadLiveBlocks(db: pg.Pool | pg.ClientBase, chainId: number) {
  const { rows } = await db.query<{ number: string; hash: Hex }>(
    "SELECT number, hash FROM block WHERE chain_id = $1 AND orphaned_at IS NULL ORDER BY number DESC",
    [chainId],
  );
  return rows.map((r) => ({ number: BigInt(r.number), hash: r.hash }));
}

async function canonicalHash(rpc: JsonRpcClient, n: bigint): Promise<Hex | undefined> {
  try {
    return (await getBlockHeader(rpc, n)).hash;
  } catch (error) {
    // A chain that got shorter has no block at n: not canonical, keep walking down.
    if (error instanceof Error && /does not exist/.test(error.message)) return undefined;
    throw error;
  }
}

/**
 * Compares the kept headers with the chain. Returns undefined when the highest kept block is
 * still canonical (kept headers are linked by parentHash, so then all are), else the common
 * ancestor: the highest kept block whose hash the chain still has. Throws DeepReorgError when
 * no kept block survived or the fork is deeper than `finalityDepth`.
 */
export async function findCommonAncestor(args: {
  db: pg.Pool | pg.ClientBase;
  rpc: JsonRpcClient;
  chainId: number;
  finalityDepth: number;
}): Promise<{ number: bigint; hash: Hex } | undefined> {
  const kept = await loadLiveBlocks(args.db, args.chainId);
  if (kept.length === 0) return undefined;
  const tip = kept[0]!;
  if ((await canonicalHash(args.rpc, tip.number)) === tip.hash) return undefined;
  for (const block of kept.slice(1)) {
    if ((await canonicalHash(args.rpc, block.number)) !== block.hash) continue;
    const depth = tip.number - block.number;
    if (depth >= BigInt(args.finalityDepth)) break;
    return block;
  }
  throw new DeepReorgError(
    `Chain ${args.chainId} reorganised deeper than its finality depth of ${args.finalityDepth} blocks: ` +
      `none of the last ${kept.length} indexed blocks (${kept.at(-1)!.number}–${tip.number}) is still canonical ` +
      `within that depth. Nothing was changed. Re-index this chain from scratch or raise its finality depth.`,
  );
}

/**
 * Marks every chain-derived row above `ancestor` orphaned (never deleted: permalinks to them
 * must say so), with the headers above it and the inferences that rested on them, and moves
 * the chain's source checkpoints back to the ancestor, all in one transaction.
 */
export async function markOrphanedAbove(
  client: pg.ClientBase,
  chainId: number,
  ancestor: { number: bigint; hash: Hex },
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const n = ancestor.number.toString();
  await client.query("BEGIN");
  try {
    for (const table of [...CHAIN_DERIVED_TABLES, "block"]) {
      const column = table === "block" ? "number" : "block_number";
      const result = await client.query(
        `UPDATE "${table}" SET orphaned_at = now() WHERE chain_id = $1 AND ${column} > $2 AND orphaned_at IS NULL`,
        [chainId, n],
      );
      counts[table] = result.rowCount ?? 0;
    }
    await client.query(
      `UPDATE inference i SET orphaned_at = now()
        WHERE i.orphaned_at IS NULL AND i.hub_event_id IN
          (SELECT id FROM hub_event WHERE chain_id = $1 AND orphaned_at IS NOT NULL)`,
      [chainId],
    );
    await client.query(
      `UPDATE source_checkpoint c SET block_number = $2, block_hash = $3, updated_at = now()
         FROM source s WHERE s.id = c.source_id AND s.chain_id = $1 AND c.block_number > $2`,
      [chainId, n, ancestor.hash],
    );
    await client.query("SELECT pg_notify($1, $2)", [
      INDEXER_CHANNEL,
      JSON.stringify({ kind: "reorg", chainId, ancestor: n }),
    ]);
    await client.query("COMMIT");
    return counts;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}
