import type pg from "pg";

/**
 * Proposes an incident for every model that served a runtime image revoked on chain
 * (`PCRRevoked`): bad version = that model's version of the image, window = its deployment
 * up to the revocation, rolled back to = the version live for the model at the revocation.
 * A proposal is unsigned; an operator confirms it with a signed incident that supersedes
 * it. One proposal per (event, model), so passes can run again.
 */
const PROPOSE = `
  INSERT INTO incident (model_id, bad_version_id, rolled_back_to_version_id, window_from, window_to,
                        window_chain_id, window_to_block, reason, evidence_links, statement, status, proposed_from_event_id)
  SELECT mv.model_id, mv.id, back.model_version_id, LEAST(d.valid_from, r.block_time), r.block_time,
         r.chain_id, r.block_number,
         'Runtime image ' || COALESCE(ri.version_label, mv.label) || ' (PCR ' || r.pcr_hash || ') was revoked on chain '
           || r.chain_id || ' in block ' || r.block_number || ', transaction ' || r.tx_hash || '.',
         ARRAY[]::text[],
         jsonb_build_object('proposedBy', 'indexer', 'event', jsonb_build_object('chainId', r.chain_id,
           'blockNumber', r.block_number::text, 'blockHash', r.block_hash, 'txHash', r.tx_hash, 'logIndex', r.log_index,
           'pcrHash', r.pcr_hash)),
         'proposed', r.id
    FROM registry_event r
    JOIN model_version mv ON mv.pcr_hash = r.pcr_hash
    LEFT JOIN LATERAL (SELECT version_label FROM runtime_image x WHERE x.chain_id = r.chain_id AND x.pcr_hash = r.pcr_hash
                        ORDER BY x.approved_at NULLS LAST LIMIT 1) ri ON true
    JOIN LATERAL (SELECT dd.valid_from FROM deployment dd WHERE dd.model_version_id = mv.id AND dd.superseded_at IS NULL
                   AND dd.basis <> 'incident' ORDER BY dd.valid_from LIMIT 1) d ON true
    LEFT JOIN LATERAL (SELECT b.model_version_id FROM deployment b
                        WHERE b.model_id = mv.model_id AND b.model_version_id <> mv.id AND b.superseded_at IS NULL
                          AND b.valid_from <= r.block_time AND (b.valid_to IS NULL OR b.valid_to > r.block_time)
                        ORDER BY b.valid_from DESC LIMIT 1) back ON true
   WHERE r.event_name = 'PCRRevoked' AND r.orphaned_at IS NULL
  ON CONFLICT (proposed_from_event_id, model_id) WHERE status = 'proposed' DO NOTHING
  RETURNING id`;

/** New proposals from revocation events; returns how many were added. */
export async function proposeIncidents(db: pg.ClientBase): Promise<number> {
  const { rowCount } = await db.query(PROPOSE);
  return rowCount ?? 0;
}

/**
 * Links findings about records of a rolled-back version (served by a revoked runtime,
 * served after the rollback, or outside the version's live window) to the incident they
 * fall under: the newest incident not superseded for that model and version, signed ones
 * before proposals. `modelId` limits the pass to one model (after an operator's write);
 * `onlyUnlinked` to findings not linked yet (the indexer's pass).
 */
export async function linkFindingsToIncidents(
  db: pg.ClientBase,
  scope: { modelId?: string; onlyUnlinked?: boolean } = {},
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE finding f SET incident_id = x.incident_id
       FROM (SELECT f2.id,
                    (SELECT i.id FROM incident i
                      WHERE i.model_id = inf.model_id AND i.bad_version_id = inf.model_version_id
                        AND NOT EXISTS (SELECT 1 FROM incident n WHERE n.supersedes_id = i.id)
                      ORDER BY (i.status = 'confirmed') DESC, i.created_at DESC LIMIT 1) AS incident_id
               FROM finding f2 JOIN inference inf ON inf.id = f2.inference_id
              WHERE f2.kind IN ('revoked_runtime', 'stale_after_rollback', 'version_not_live')
                AND ($1::uuid IS NULL OR inf.model_id = $1)
                AND (NOT $2 OR f2.incident_id IS NULL)) x
      WHERE f.id = x.id AND f.incident_id IS DISTINCT FROM x.incident_id`,
    [scope.modelId ?? null, scope.onlyUnlinked ?? false],
  );
  return rowCount ?? 0;
}
