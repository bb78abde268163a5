import type pg from "pg";
import { expandBatches } from "./expand-batches";
import { runLinker } from "./link";

/**
 * Batch expansion and the linker, run after anything changed: new rows or a reorg (the
 * caller says so), newly posted evidence (the watermark moved), or batches whose blobs are
 * still to be fetched (expansion itself spaces its retries). The returned function keeps the
 * watermark between calls; calls must not overlap.
 */
export function createLinkPass(pool: pg.Pool) {
  let watermark: string | undefined;
  return async (chainsChanged: boolean): Promise<void> => {
    const now = await evidenceWatermark(pool);
    const changed = chainsChanged || now.mark !== watermark;
    const expansion =
      changed || now.pendingBatches ? await expandBatches(pool) : { expanded: 0, failed: 0 };
    if (changed || expansion.expanded + expansion.failed > 0) await runLinker(pool);
    watermark = now.mark;
  };
}

/** What posted evidence looks like now, to notice receipts and actions that arrived. */
async function evidenceWatermark(pool: pg.Pool) {
  const { rows } = await pool.query<{ mark: string; pending: boolean }>(
    `SELECT concat_ws('/', (SELECT max(received_at) FROM receipt), (SELECT count(*) FROM receipt),
                      (SELECT max(received_at) FROM agent_action)) AS mark,
            EXISTS (SELECT 1 FROM settlement WHERE kind = 'batch' AND orphaned_at IS NULL AND expanded_at IS NULL) AS pending`,
  );
  return { mark: rows[0]!.mark, pendingBatches: rows[0]!.pending };
}
