import type pg from "pg";
import { linkableReceipts } from "./aside";
import { recordModelLookalikes, REGISTERED_ENCLAVE } from "./lookalikes";

// Each statement is idempotent and set-based: a pass can run any number of times, after any
// commit or reorg, and converges on the same rows.

/** Receipts this step may read (not those it set aside; see runStep in ./isolate). */
const RECEIPTS = linkableReceipts("inferences");

// Trust tier: only receipts signed by an enclave a live registry row lists make models and
// inferences (their signature can be checked; one that fails still makes an inference, which
// its bad_signature finding points at). Others are kept and reported per enclave
// (unregistered_enclave). A name that only looks like a known model makes nothing either.
const COUNTS = `${REGISTERED_ENCLAVE} AND NOT EXISTS (SELECT 1 FROM model_lookalike l WHERE l.name = r.model)`;

/** Models named by receipts (`llm:<model string>`) and by hub events (`onnx:`/`llm:<modelCID>`). */
const MODELS = [
  `INSERT INTO model (name, kind)
   SELECT DISTINCT 'llm:' || r.model, 'llm' FROM ${RECEIPTS} r WHERE r.model <> '' AND ${COUNTS}
   ON CONFLICT (name) DO NOTHING`,
  `INSERT INTO model (name, kind)
   SELECT DISTINCT k || ':' || model_cid, k
     FROM (SELECT model_cid, CASE WHEN event_name = 'ModelInferenceEvent' THEN 'onnx' ELSE 'llm' END AS k
             FROM hub_event WHERE orphaned_at IS NULL AND model_cid IS NOT NULL AND model_cid <> '') h
   ON CONFLICT (name) DO NOTHING`,
];

/**
 * What actually ran: for a TEE LLM, the runtime image (PCR) of the enclave that signed, with
 * the registry's version label; for a hub model, its content id.
 */
const VERSIONS = [
  `INSERT INTO model_version (model_id, label, key, pcr_hash)
   SELECT DISTINCT ON (m.id, e.pcr_hash) m.id,
          COALESCE(ri.version_label, 'runtime ' || left(e.pcr_hash, 10)), 'pcr:' || e.pcr_hash, e.pcr_hash
     FROM ${RECEIPTS} r
     JOIN enclave e ON e.tee_id = r.tee_id AND e.orphaned_at IS NULL
     JOIN model m ON m.name = 'llm:' || r.model
     LEFT JOIN runtime_image ri ON ri.chain_id = e.chain_id AND ri.pcr_hash = e.pcr_hash AND ri.tee_type = e.tee_type
    WHERE NOT EXISTS (SELECT 1 FROM model_lookalike l WHERE l.name = r.model)
   ON CONFLICT (model_id, key) DO NOTHING`,
  `UPDATE model_version mv SET label = ri.version_label
     FROM runtime_image ri
    WHERE mv.pcr_hash = ri.pcr_hash AND ri.version_label IS NOT NULL AND mv.label <> ri.version_label`,
  `INSERT INTO model_version (model_id, label, key, content_id)
   SELECT DISTINCT m.id, h.model_cid, 'cid:' || h.model_cid, h.model_cid
     FROM hub_event h
     JOIN model m ON m.name = (CASE WHEN h.event_name = 'ModelInferenceEvent' THEN 'onnx:' ELSE 'llm:' END) || h.model_cid
    WHERE h.orphaned_at IS NULL AND h.model_cid IS NOT NULL AND h.model_cid <> ''
   ON CONFLICT (model_id, key) DO NOTHING`,
];

/**
 * One inference per receipt (id from the receipt's content key, so permalinks survive
 * re-indexing) and per hub request event (id from chain, block hash and log index: a reorg
 * gives the re-included event a new id, and the old one stays, orphaned).
 */
const INFERENCES = [
  `INSERT INTO inference (id, model_id, model_version_id, input_hash, output_hash, occurred_at, tee_id,
                          signature, signature_status, verification_reason, receipt_id, session_id, payer)
   SELECT 'inf_' || substr(r.content_key, 3, 32), m.id, mv.id, r.request_hash, r.output_hash,
          to_timestamp(r.tee_timestamp), r.tee_id, '0x' || encode(decode(r.signature, 'base64'), 'hex'),
          r.signature_status, r.verification_reason, r.id, r.session_id, r.payer
     FROM ${RECEIPTS} r
     JOIN model m ON m.name = 'llm:' || r.model
     JOIN LATERAL (SELECT e.pcr_hash FROM enclave e WHERE e.tee_id = r.tee_id AND e.orphaned_at IS NULL
                    ORDER BY e.block_number LIMIT 1) e ON true
     LEFT JOIN model_version mv ON mv.model_id = m.id AND mv.key = 'pcr:' || e.pcr_hash
    WHERE NOT EXISTS (SELECT 1 FROM model_lookalike l WHERE l.name = r.model)
   ON CONFLICT (id) DO UPDATE SET model_version_id = EXCLUDED.model_version_id,
          signature_status = EXCLUDED.signature_status, verification_reason = EXCLUDED.verification_reason
    WHERE inference.model_version_id IS DISTINCT FROM EXCLUDED.model_version_id
       OR inference.signature_status IS DISTINCT FROM EXCLUDED.signature_status
       OR inference.verification_reason IS DISTINCT FROM EXCLUDED.verification_reason`,
  // Note: hub events carry no signed hashes; the input and output are identified by the
  // sha256 of their canonical JSON (jsonb's text form) so they can still be cited and searched.
  `INSERT INTO inference (id, model_id, model_version_id, input_hash, output_hash, occurred_at, hub_event_id)
   SELECT 'hub_' || left(encode(sha256(convert_to(h.chain_id || ':' || h.block_hash || ':' || h.log_index, 'UTF8')), 'hex'), 32),
          m.id, mv.id,
          '0x' || encode(sha256(convert_to(COALESCE(h.request::text, 'null'), 'UTF8')), 'hex'),
          '0x' || encode(sha256(convert_to(COALESCE(h.response::text, 'null'), 'UTF8')), 'hex'),
          h.block_time, h.id
     FROM hub_event h
     JOIN model m ON m.name = (CASE WHEN h.event_name = 'ModelInferenceEvent' THEN 'onnx:' ELSE 'llm:' END) || h.model_cid
     JOIN model_version mv ON mv.model_id = m.id AND mv.key = 'cid:' || h.model_cid
    WHERE h.orphaned_at IS NULL AND h.inference_id IS NOT NULL
   ON CONFLICT (id) DO UPDATE SET orphaned_at = NULL WHERE inference.orphaned_at IS NOT NULL`,
];

/** Inferences ↔ settlements: by enclave, input and output hash, live rows only. */
const SETTLEMENT_LINKS = [
  // A batch whose block is canonical again after a reorg back: its leaves are live again too.
  `UPDATE batch_leaf l SET orphaned_at = NULL FROM settlement s
    WHERE l.settlement_id = s.id AND s.orphaned_at IS NULL AND l.orphaned_at IS NOT NULL`,
  `UPDATE inference SET settlement_id = NULL, batch_leaf_id = NULL
    WHERE settlement_id IN (SELECT id FROM settlement WHERE orphaned_at IS NOT NULL)
       OR batch_leaf_id IN (SELECT id FROM batch_leaf WHERE orphaned_at IS NOT NULL)`,
  `UPDATE inference i SET settlement_id = s.id, batch_leaf_id = NULL
     FROM settlement s
    WHERE s.orphaned_at IS NULL AND s.kind = 'individual' AND s.tee_id = i.tee_id
      AND s.input_hash = i.input_hash AND s.output_hash = i.output_hash
      AND i.settlement_id IS NULL AND i.batch_leaf_id IS NULL`,
  `UPDATE inference i SET settlement_id = s.id
     FROM settlement s
    WHERE s.orphaned_at IS NULL AND s.kind IN ('legacy_settlement', 'legacy_with_metadata')
      AND s.input_hash = i.input_hash AND s.output_hash = i.output_hash
      AND i.settlement_id IS NULL AND i.batch_leaf_id IS NULL`,
  `UPDATE inference i SET batch_leaf_id = l.id, settlement_id = l.settlement_id
     FROM batch_leaf l
    WHERE l.orphaned_at IS NULL AND l.proof_valid AND l.tee_id = i.tee_id
      AND l.input_hash = i.input_hash AND l.output_hash = i.output_hash
      AND i.settlement_id IS NULL AND i.batch_leaf_id IS NULL`,
];

/** Look-alike names, models, versions, inferences and their settlement links, in that order. */
export async function linkInferences(db: pg.ClientBase) {
  await recordModelLookalikes(db);
  for (const sql of [...MODELS, ...VERSIONS, ...INFERENCES, ...SETTLEMENT_LINKS])
    await db.query(sql);
}
