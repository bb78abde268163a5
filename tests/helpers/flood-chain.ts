import type pg from "pg";

export { startFloodChain, type FloodChain } from "@/lib/devnet/flood";

/** The live settlement rows, as comparable strings (what a fresh index must reproduce). */
export async function liveSettlements(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ r: string }>(
    `SELECT concat_ws(' ', block_number, block_hash, tx_hash, log_index, kind, tee_id, eth_address, input_hash, output_hash,
                      timestamp, blob_id, signature, block_time) AS r
       FROM settlement WHERE orphaned_at IS NULL ORDER BY block_number, log_index`,
  );
  return rows.map((row) => row.r);
}

/** Empties everything the indexer writes, so one database serves many scenarios. */
export async function resetIndexedData(pool: pg.Pool) {
  await pool.query(
    `TRUNCATE block, source_checkpoint, settlement, batch_leaf, registry_event, enclave, hub_event, workflow_event,
              payment, payment_allocation, finding, deployment, inference, model_version, model, runtime_image, source, chain CASCADE`,
  );
}
