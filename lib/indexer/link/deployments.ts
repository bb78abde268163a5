import type pg from "pg";

/**
 * Runtime images from live registry events: the latest approval of each (chain, PCR, type)
 * and the first revocation after it (the older `PCRRevoked(bytes32)` has no type and
 * matches every type). Enclaves' enabled flag and heartbeat follow their latest events.
 */
const RUNTIME_IMAGES = [
  `WITH approval AS (
     SELECT DISTINCT ON (chain_id, pcr_hash, tee_type) chain_id, pcr_hash, tee_type, version, block_time, block_number, log_index
       FROM registry_event WHERE event_name = 'PCRApproved' AND orphaned_at IS NULL AND tee_type IS NOT NULL
      ORDER BY chain_id, pcr_hash, tee_type, block_number DESC, log_index DESC
   ), image AS (
     SELECT a.*, r.block_time AS revoked_at, r.block_number AS revoked_block
       FROM approval a
       LEFT JOIN LATERAL (
         SELECT block_time, block_number FROM registry_event r
          WHERE r.event_name = 'PCRRevoked' AND r.orphaned_at IS NULL AND r.chain_id = a.chain_id
            AND r.pcr_hash = a.pcr_hash AND (r.tee_type IS NULL OR r.tee_type = a.tee_type)
            AND (r.block_number, r.log_index) > (a.block_number, a.log_index)
          ORDER BY r.block_number, r.log_index LIMIT 1) r ON true
   )
   INSERT INTO runtime_image (chain_id, pcr_hash, tee_type, version_label, approved_at, approved_block, revoked_at, revoked_block)
   SELECT chain_id, pcr_hash, tee_type, version, block_time, block_number, revoked_at, revoked_block FROM image
   ON CONFLICT (chain_id, pcr_hash, tee_type) DO UPDATE SET version_label = EXCLUDED.version_label,
          approved_at = EXCLUDED.approved_at, approved_block = EXCLUDED.approved_block,
          revoked_at = EXCLUDED.revoked_at, revoked_block = EXCLUDED.revoked_block, updated_at = now()
    WHERE (runtime_image.version_label, runtime_image.approved_at, runtime_image.approved_block,
           runtime_image.revoked_at, runtime_image.revoked_block)
          IS DISTINCT FROM (EXCLUDED.version_label, EXCLUDED.approved_at, EXCLUDED.approved_block,
           EXCLUDED.revoked_at, EXCLUDED.revoked_block)`,
  // An image whose approval was orphaned by a reorg is no longer known to be approved.
  `UPDATE runtime_image ri SET version_label = NULL, approved_at = NULL, approved_block = NULL,
          revoked_at = NULL, revoked_block = NULL, updated_at = now()
    WHERE ri.approved_at IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM registry_event r WHERE r.event_name = 'PCRApproved' AND r.orphaned_at IS NULL
         AND r.chain_id = ri.chain_id AND r.pcr_hash = ri.pcr_hash AND r.tee_type = ri.tee_type)`,
  // Images seen only in use (an enclave runs them, no approval in the indexed range).
  `INSERT INTO runtime_image (chain_id, pcr_hash, tee_type)
   SELECT DISTINCT chain_id, pcr_hash, tee_type FROM enclave WHERE orphaned_at IS NULL
   ON CONFLICT (chain_id, pcr_hash, tee_type) DO NOTHING`,
  `UPDATE enclave e SET enabled = x.enabled, last_heartbeat_at = COALESCE(x.heartbeat, e.registered_at)
     FROM (SELECT en.id,
                  COALESCE((SELECT r.event_name = 'TEEEnabled' FROM registry_event r
                             WHERE r.chain_id = en.chain_id AND r.tee_id = en.tee_id AND r.orphaned_at IS NULL
                               AND r.event_name IN ('TEEEnabled', 'TEEDisabled')
                               AND (r.block_number, r.log_index) > (en.block_number, en.log_index)
                             ORDER BY r.block_number DESC, r.log_index DESC LIMIT 1), true) AS enabled,
                  (SELECT max(r.block_time) FROM registry_event r
                    WHERE r.chain_id = en.chain_id AND r.tee_id = en.tee_id AND r.orphaned_at IS NULL
                      AND r.event_name = 'HeartbeatReceived') AS heartbeat
             FROM enclave en WHERE en.orphaned_at IS NULL) x
    WHERE e.id = x.id AND (e.enabled IS DISTINCT FROM x.enabled
       OR e.last_heartbeat_at IS DISTINCT FROM COALESCE(x.heartbeat, e.registered_at))`,
];

/**
 * Deployment intervals, bitemporal. A PCR version is live from its approval (or, later, the
 * first enclave running it) until its revocation; a content-id version from its first observed
 * use. When what we believe changes, the current row is superseded (never edited otherwise)
 * and a new row records the new belief; rows an operator recorded (basis "incident") are left.
 */
const DEPLOYMENTS = `
  WITH usage AS (
    SELECT model_version_id, min(occurred_at) AS first_at, (array_agg(id ORDER BY occurred_at))[1] AS first_id
      FROM inference WHERE model_version_id IS NOT NULL AND orphaned_at IS NULL GROUP BY model_version_id
  ), image AS (
    SELECT ri.pcr_hash, min(ri.approved_at) AS approved_at, min(ri.revoked_at) AS revoked_at,
           min(ri.approved_block) AS approved_block, min(ri.revoked_block) AS revoked_block,
           (SELECT min(e.registered_at) FROM enclave e WHERE e.pcr_hash = ri.pcr_hash AND e.orphaned_at IS NULL) AS first_enclave
      FROM runtime_image ri GROUP BY ri.pcr_hash
  ), desired AS (
    SELECT mv.model_id, mv.id AS version_id,
           COALESCE(GREATEST(i.approved_at, i.first_enclave), i.approved_at, u.first_at) AS valid_from,
           i.revoked_at AS valid_to,
           CASE WHEN i.revoked_at IS NOT NULL THEN 'revocation' WHEN i.approved_at IS NOT NULL THEN 'approval' ELSE 'observed' END AS basis,
           jsonb_strip_nulls(jsonb_build_object('pcrHash', mv.pcr_hash, 'contentId', mv.content_id,
             'approvedBlock', i.approved_block::text, 'revokedBlock', i.revoked_block::text, 'firstInferenceId', u.first_id)) AS evidence
      FROM model_version mv
      LEFT JOIN usage u ON u.model_version_id = mv.id
      LEFT JOIN image i ON i.pcr_hash = mv.pcr_hash
  ), clean AS (
    SELECT model_id, version_id, valid_from,
           CASE WHEN valid_to < valid_from THEN valid_from ELSE valid_to END AS valid_to, basis, evidence
      FROM desired WHERE valid_from IS NOT NULL
  ), changed AS (
    SELECT c.* FROM clean c
      LEFT JOIN deployment cur ON cur.model_version_id = c.version_id AND cur.superseded_at IS NULL AND cur.basis <> 'incident'
     WHERE cur.id IS NULL OR cur.valid_from IS DISTINCT FROM c.valid_from
        OR cur.valid_to IS DISTINCT FROM c.valid_to OR cur.basis <> c.basis
  ), superseded AS (
    UPDATE deployment SET superseded_at = now()
     WHERE superseded_at IS NULL AND basis <> 'incident' AND model_version_id IN (SELECT version_id FROM changed)
  )
  INSERT INTO deployment (model_id, model_version_id, valid_from, valid_to, basis, evidence, recorded_at)
  SELECT model_id, version_id, valid_from, valid_to, basis, evidence, now() FROM changed`;

/** Runtime images, enclave state, then deployment intervals. */
export async function linkRuntimes(db: pg.ClientBase) {
  for (const sql of RUNTIME_IMAGES) await db.query(sql);
}

export async function linkDeployments(db: pg.ClientBase) {
  await db.query(DEPLOYMENTS);
}
