import type pg from "pg";
import type { Hex } from "viem";
import { parseTreeDump, verifyTreeDump } from "@/lib/evidence/merkle";
import { log } from "@/lib/log";

/** Prefixes of `settlement.expansion_error`, read back by the findings pass. */
export const EXPANSION_ERRORS = { missing: "blob missing", mismatch: "root mismatch" } as const;

interface PendingBatch {
  id: string;
  merkle_root: Hex;
  blob_id: string | null;
  blob_store_url: string | null;
}

const HEX32 = /^0x[0-9a-f]{64}$/;

/**
 * For each live batch settlement not yet expanded (and not tried in the last `retryAfterMs`):
 * fetches its tree dump from the source's blob store, checks the dump's root against the
 * on-chain root and writes every leaf with its proof. A missing blob or a different root is
 * recorded on the settlement (the findings pass turns it into a Finding) and tried again later.
 */
export async function expandBatches(
  pool: pg.Pool,
  options: { retryAfterMs?: number; limit?: number; timeoutMs?: number } = {},
): Promise<{ expanded: number; failed: number }> {
  const { rows } = await pool.query<PendingBatch>(
    `SELECT s.id, s.merkle_root, s.blob_id, src.config->>'blobStoreUrl' AS blob_store_url
       FROM settlement s JOIN source src ON src.id = s.source_id
      WHERE s.kind = 'batch' AND s.orphaned_at IS NULL AND s.expanded_at IS NULL
        AND (s.expansion_attempted_at IS NULL OR s.expansion_attempted_at < now() - $1 * interval '1 millisecond')
      ORDER BY s.block_number LIMIT $2`,
    [options.retryAfterMs ?? 30_000, options.limit ?? 200],
  );
  let expanded = 0;
  let failed = 0;
  for (const batch of rows) {
    const outcome = await fetchDump(batch, options.timeoutMs ?? 10_000);
    if ("error" in outcome) {
      failed++;
      await pool.query(
        "UPDATE settlement SET expansion_error = $2, expansion_attempted_at = now() WHERE id = $1",
        [batch.id, outcome.error],
      );
      log.warn({ settlement_id: batch.id, error: outcome.error }, "Batch not expanded");
      continue;
    }
    await writeLeaves(pool, batch.id, outcome.leaves);
    expanded++;
  }
  return { expanded, failed };
}

interface LeafRow {
  leafIndex: number;
  treeIndex: number;
  teeId: string;
  inputHash: string;
  outputHash: string;
  signature: string;
  timestamp: number;
  leafHash: string;
  proof: string[];
  proofValid: boolean;
}

async function fetchDump(
  batch: PendingBatch,
  timeoutMs: number,
): Promise<{ leaves: LeafRow[] } | { error: string }> {
  if (!batch.blob_store_url)
    return { error: `${EXPANSION_ERRORS.missing}: no blob store configured for this source` };
  if (!batch.blob_id) return { error: `${EXPANSION_ERRORS.missing}: the event carries no blob id` };
  const url = `${batch.blob_store_url.replace(/\/$/, "")}/blobs/${encodeURIComponent(batch.blob_id)}`;
  let text: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok)
      return { error: `${EXPANSION_ERRORS.missing}: ${url} answered HTTP ${response.status}` };
    text = await response.text();
  } catch (error) {
    return { error: `${EXPANSION_ERRORS.missing}: ${url} failed: ${(error as Error).message}` };
  }
  const parsed = parseTreeDump(text);
  if (!parsed.ok)
    return {
      error: `${EXPANSION_ERRORS.mismatch}: the blob is not a valid tree dump (${parsed.error})`,
    };
  const check = verifyTreeDump(parsed.dump, batch.merkle_root);
  if (!check.rootOk) {
    return {
      error: `${EXPANSION_ERRORS.mismatch}: the blob's root ${parsed.dump.tree[0]} is not the on-chain root ${batch.merkle_root}`,
    };
  }
  const leaves: LeafRow[] = [];
  for (const [i, { value, treeIndex }] of parsed.dump.values.entries()) {
    const c = check.leaves[i]!;
    const [teeId, inputHash, outputHash, signature, timestamp] = value.map((v) =>
      String(v).toLowerCase(),
    );
    const seconds = Number(timestamp);
    if (
      !c.leafHash ||
      ![teeId, inputHash, outputHash].every((h) => HEX32.test(h!)) ||
      !Number.isSafeInteger(seconds)
    ) {
      return { error: `${EXPANSION_ERRORS.mismatch}: leaf ${i} of the blob does not decode` };
    }
    leaves.push({
      leafIndex: i,
      treeIndex,
      teeId: teeId!,
      inputHash: inputHash!,
      outputHash: outputHash!,
      signature: signature!,
      timestamp: seconds,
      leafHash: c.leafHash,
      proof: c.proof,
      proofValid: c.ok,
    });
  }
  return { leaves };
}

async function writeLeaves(pool: pg.Pool, settlementId: string, leaves: LeafRow[]) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO batch_leaf (chain_id, block_number, block_hash, tx_hash, log_index, settlement_id,
              leaf_index, tree_index, tee_id, input_hash, output_hash, signature, timestamp, leaf_hash, proof, proof_valid)
       SELECT s.chain_id, s.block_number, s.block_hash, s.tx_hash, s.log_index, s.id,
              l.leaf_index, l.tree_index, l.tee_id, l.input_hash, l.output_hash, l.signature,
              to_timestamp(l.ts), l.leaf_hash, ARRAY(SELECT jsonb_array_elements_text(l.proof)), l.proof_valid
         FROM settlement s,
              jsonb_to_recordset($2::jsonb) AS l(leaf_index int, tree_index int, tee_id text, input_hash text,
                output_hash text, signature text, ts bigint, leaf_hash text, proof jsonb, proof_valid boolean)
        WHERE s.id = $1
       ON CONFLICT DO NOTHING`,
      [
        settlementId,
        JSON.stringify(
          leaves.map((l) => ({
            leaf_index: l.leafIndex,
            tree_index: l.treeIndex,
            tee_id: l.teeId,
            input_hash: l.inputHash,
            output_hash: l.outputHash,
            signature: l.signature,
            ts: l.timestamp,
            leaf_hash: l.leafHash,
            proof: l.proof,
            proof_valid: l.proofValid,
          })),
        ),
      ],
    );
    await client.query(
      "UPDATE settlement SET expanded_at = now(), expansion_error = NULL, expansion_attempted_at = now() WHERE id = $1",
      [settlementId],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
