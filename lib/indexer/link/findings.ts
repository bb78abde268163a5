import type pg from "pg";
import { EXPANSION_ERRORS } from "../expand-batches";
import { linkableReceipts } from "./aside";

/** The finding kinds this pass owns: it opens them, and resolves them when they no longer hold. */
export const LINKER_FINDING_KINDS = [
  "bad_signature",
  "settlement_without_receipt",
  "receipt_never_settled",
  "payment_without_inference",
  "stale_after_rollback",
  "revoked_runtime",
  "version_not_live",
  "batch_blob_missing",
  "batch_root_mismatch",
  "receipt_after_settlement",
  "unprocessable_evidence",
  "unregistered_enclave",
  "model_lookalike",
] as const;

/** A receipt is "never settled" once settlements this much newer than it have been indexed. */
const SETTLE_GRACE = "1 hour";

/** Receipts this step may read (not those it set aside; see runStep in ./isolate). */
const RECEIPTS = linkableReceipts("findings");

// Trust tiers: evidence that is kept but counts for nothing (lib/indexer/link/inferences.ts).
// One finding per unregistered enclave (not per receipt: a flood of forgeries is one line),
// and one per look-alike model name, marked on the real model's timeline.
const TRUST_FINDINGS = `
  SELECT 'unregistered_enclave', 'warning',
         count(*) || CASE WHEN count(*) = 1 THEN ' receipt is' ELSE ' receipts are' END || ' signed by enclave ' || r.tee_id
           || ', which no indexed registry lists, so the signature cannot be checked: kept, but they make no model, version or inference until the enclave is registered.',
         jsonb_build_object('teeId', r.tee_id, 'receipts', count(*), 'models', to_jsonb((array_agg(DISTINCT r.model))[1:10])),
         'unregistered_enclave:' || r.tee_id, NULL, NULL, NULL, (array_agg(r.id ORDER BY r.received_at, r.id))[1], NULL,
         min(to_timestamp(r.tee_timestamp))
    FROM ${RECEIPTS} r
   WHERE NOT EXISTS (SELECT 1 FROM enclave e WHERE e.tee_id = r.tee_id AND e.orphaned_at IS NULL)
   GROUP BY r.tee_id
  UNION ALL
  SELECT 'model_lookalike', 'critical',
         'Receipts name the model "' || l.name || '", which looks like the known model "' || substr(k.name, 5)
           || '" but is other text (' || COALESCE(cp.list, 'no visible difference') || '): it makes no model or inference of its own.',
         jsonb_build_object('name', l.name, 'knownModel', k.name, 'codePoints', cp.list, 'receipts', rc.n, 'hiddenModelId', l.model_id),
         'model_lookalike:' || l.name, NULL, NULL, NULL, rc.first_id, k.id, rc.first_at
    FROM model_lookalike l
    JOIN model k ON k.id = l.known_model_id
    CROSS JOIN LATERAL (SELECT string_agg('U+' || upper(lpad(to_hex(ascii(c)), 4, '0')), ' ') AS list
                          FROM regexp_split_to_table(l.name, '') c WHERE c !~ '^[ -~]$') cp
    CROSS JOIN LATERAL (SELECT count(*) AS n, (array_agg(r.id ORDER BY r.received_at, r.id))[1] AS first_id,
                               min(to_timestamp(r.tee_timestamp)) AS first_at
                          FROM ${RECEIPTS} r WHERE r.model = l.name) rc`;

// Every contradiction, as rows (kind, severity, message, evidence, dedupe key, subjects).
const CURRENT = `
  SELECT 'bad_signature' AS kind, 'critical' AS severity,
         'The receipt''s signature does not verify against the enclave key registered on chain (' || r.verification_reason || ').' AS message,
         jsonb_build_object('receiptId', r.id, 'teeId', r.tee_id, 'outputHash', r.output_hash, 'reason', r.verification_reason) AS evidence,
         'bad_signature:' || r.id AS dedupe_key, i.id AS inference_id, NULL::uuid AS settlement_id, NULL::uuid AS payment_id, r.id AS receipt_id,
         i.model_id AS model_id, to_timestamp(r.tee_timestamp) AS subject_at
    FROM ${RECEIPTS} r LEFT JOIN inference i ON i.receipt_id = r.id WHERE r.signature_status = 'invalid'
  UNION ALL
  SELECT 'settlement_without_receipt', 'warning',
         'Settled on chain in block ' || s.block_number || ', but no signed receipt for this output was posted.',
         jsonb_build_object('settlementId', s.id, 'txHash', s.tx_hash, 'teeId', s.tee_id, 'inputHash', s.input_hash, 'outputHash', s.output_hash),
         'settlement_without_receipt:' || s.id, NULL, s.id, NULL, NULL, NULL, s.block_time
    FROM settlement s
   WHERE s.kind = 'individual' AND s.orphaned_at IS NULL
     AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.tee_id = s.tee_id AND r.request_hash = s.input_hash AND r.output_hash = s.output_hash)
  UNION ALL
  SELECT 'settlement_without_receipt', 'warning',
         'Leaf ' || l.leaf_index || ' of the batch settled in block ' || l.block_number || ' has no posted receipt.',
         jsonb_build_object('settlementId', l.settlement_id, 'batchLeafId', l.id, 'txHash', l.tx_hash, 'teeId', l.tee_id, 'inputHash', l.input_hash, 'outputHash', l.output_hash),
         'settlement_without_receipt:leaf:' || l.id, NULL, l.settlement_id, NULL, NULL, NULL,
         (SELECT s.block_time FROM settlement s WHERE s.id = l.settlement_id)
    FROM batch_leaf l
   WHERE l.orphaned_at IS NULL
     AND NOT EXISTS (SELECT 1 FROM receipt r WHERE r.tee_id = l.tee_id AND r.request_hash = l.input_hash AND r.output_hash = l.output_hash)
  UNION ALL
  SELECT 'receipt_never_settled', 'warning',
         'No settlement records this receipt''s hashes, though settlements from well after it have been indexed.',
         jsonb_build_object('receiptId', r.id, 'teeId', r.tee_id, 'outputHash', r.output_hash),
         'receipt_never_settled:' || r.id, i.id, NULL, NULL, r.id, i.model_id, i.occurred_at
    FROM ${RECEIPTS} r JOIN inference i ON i.receipt_id = r.id
   WHERE i.settlement_id IS NULL AND i.batch_leaf_id IS NULL
     AND to_timestamp(r.tee_timestamp) < (SELECT max(block_time) FROM settlement WHERE orphaned_at IS NULL) - interval '${SETTLE_GRACE}'
  UNION ALL
  SELECT 'payment_without_inference', 'warning',
         'A payment of ' || p.value || ' base units from ' || p.from_address || ' matches no session of known inferences.',
         jsonb_build_object('paymentId', p.id, 'txHash', p.tx_hash, 'from', p.from_address, 'to', p.to_address, 'value', p.value::text),
         'payment_without_inference:' || p.id, NULL, NULL, p.id, NULL, NULL, p.occurred_at
    FROM payment p
   WHERE p.orphaned_at IS NULL AND NOT EXISTS (SELECT 1 FROM payment_allocation a WHERE a.payment_id = p.id)
  UNION ALL
  -- An upto session takes no new cost once it settles, so its payment cannot cover a request
  -- timestamped after it (the payment linker leaves such a receipt unpaid).
  SELECT 'receipt_after_settlement', 'warning',
         'Timestamped after its x402 session''s payment settled (block ' || p.block_number || '), so that payment does not cover it.',
         jsonb_build_object('inferenceId', i.id, 'paymentId', p.id, 'txHash', p.tx_hash, 'sessionId', i.session_id, 'settledAt', p.occurred_at),
         'receipt_after_settlement:' || i.id, i.id, NULL, p.id, i.receipt_id, i.model_id, i.occurred_at
    FROM payment p JOIN inference i ON i.session_id = p.session_id AND i.payer = p.from_address
   WHERE p.orphaned_at IS NULL AND p.session_id IS NOT NULL AND i.orphaned_at IS NULL AND i.occurred_at > p.occurred_at
     AND NOT EXISTS (SELECT 1 FROM payment_allocation a WHERE a.payment_id = p.id AND a.inference_id = i.id)
  UNION ALL
  SELECT CASE WHEN i.occurred_at >= ri.revoked_at THEN 'stale_after_rollback' ELSE 'revoked_runtime' END,
         CASE WHEN i.occurred_at >= ri.revoked_at THEN 'critical' ELSE 'warning' END,
         CASE WHEN i.occurred_at >= ri.revoked_at
              THEN 'Served by runtime ' || COALESCE(ri.version_label, ri.pcr_hash) || ' after its revocation in block ' || ri.revoked_block || ': the record still claims the rolled-back version.'
              ELSE 'Served by runtime ' || COALESCE(ri.version_label, ri.pcr_hash) || ', which was later revoked (rolled back) in block ' || ri.revoked_block || '.' END,
         jsonb_build_object('inferenceId', i.id, 'pcrHash', ri.pcr_hash, 'revokedAt', ri.revoked_at, 'revokedBlock', ri.revoked_block::text, 'occurredAt', i.occurred_at),
         'runtime:' || i.id, i.id, NULL, NULL, i.receipt_id, i.model_id, i.occurred_at
    FROM inference i
    JOIN model_version mv ON mv.id = i.model_version_id
    JOIN LATERAL (SELECT * FROM runtime_image r WHERE r.pcr_hash = mv.pcr_hash AND r.revoked_at IS NOT NULL
                   ORDER BY r.revoked_at LIMIT 1) ri ON true
   WHERE i.orphaned_at IS NULL
  UNION ALL
  SELECT 'version_not_live', 'warning',
         'Served by runtime ' || COALESCE(ri.version_label, ri.pcr_hash) || ' before the registry approved it.',
         jsonb_build_object('inferenceId', i.id, 'pcrHash', ri.pcr_hash, 'approvedAt', ri.approved_at, 'occurredAt', i.occurred_at),
         'version_not_live:' || i.id, i.id, NULL, NULL, i.receipt_id, i.model_id, i.occurred_at
    FROM inference i
    JOIN model_version mv ON mv.id = i.model_version_id
    JOIN LATERAL (SELECT * FROM runtime_image r WHERE r.pcr_hash = mv.pcr_hash AND r.approved_at IS NOT NULL
                   ORDER BY r.approved_at LIMIT 1) ri ON true
   WHERE i.orphaned_at IS NULL AND i.occurred_at < ri.approved_at
  UNION ALL
  SELECT CASE WHEN s.expansion_error LIKE '${EXPANSION_ERRORS.missing}%' THEN 'batch_blob_missing' ELSE 'batch_root_mismatch' END,
         'warning', 'Batch settled in block ' || s.block_number || ' could not be expanded: ' || s.expansion_error || '. It is retried.',
         jsonb_build_object('settlementId', s.id, 'txHash', s.tx_hash, 'merkleRoot', s.merkle_root, 'blobId', s.blob_id),
         'batch:' || s.id, NULL, s.id, NULL, NULL, NULL, s.block_time
    FROM settlement s
   WHERE s.kind = 'batch' AND s.orphaned_at IS NULL AND s.expanded_at IS NULL AND s.expansion_error IS NOT NULL
  UNION ALL
  SELECT 'unprocessable_evidence', 'warning',
         'The linker could not process this receipt in its ' || a.step || ' step and set it aside: ' || a.error
           || '. It is tried again when the receipt changes, or after ' || to_char(a.retry_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') || '.',
         jsonb_build_object('receiptId', a.receipt_id, 'teeId', r.tee_id, 'outputHash', r.output_hash, 'step', a.step,
                            'error', a.error, 'sqlstate', a.sqlstate, 'attempts', a.attempts,
                            'setAsideAt', a.set_aside_at, 'retryAt', a.retry_at),
         'unprocessable_evidence:' || a.step || ':' || a.receipt_id, i.id, NULL, NULL, a.receipt_id, i.model_id, r.received_at
    FROM linker_aside a JOIN receipt r ON r.id = a.receipt_id LEFT JOIN inference i ON i.receipt_id = a.receipt_id
  UNION ALL
  ${TRUST_FINDINGS}`;

/**
 * Recomputes every contradiction the linker owns and reconciles the finding table with it:
 * new ones are inserted, ones that hold again are reopened, and ones that no longer hold (a
 * reorg orphaned the evidence, a late receipt arrived) get `resolved_at`. Never deleted.
 */
export async function reconcileFindings(db: pg.ClientBase): Promise<{ open: number }> {
  await db.query(
    `CREATE TEMP TABLE IF NOT EXISTS current_finding (LIKE finding) ON COMMIT DELETE ROWS`,
  );
  await db.query(`
    INSERT INTO current_finding (id, kind, severity, message, evidence, dedupe_key, inference_id, settlement_id, payment_id, receipt_id, model_id, subject_at, detected_at)
    SELECT gen_random_uuid(), c.kind::finding_kind, c.severity, c.message, c.evidence, c.dedupe_key,
           c.inference_id, c.settlement_id, c.payment_id, c.receipt_id, c.model_id, c.subject_at, now()
      FROM (${CURRENT}) c
    ON CONFLICT DO NOTHING`);
  await db.query(`
    INSERT INTO finding (kind, severity, message, evidence, dedupe_key, inference_id, settlement_id, payment_id, receipt_id, model_id, subject_at)
    SELECT DISTINCT ON (dedupe_key) kind, severity, message, evidence, dedupe_key, inference_id, settlement_id, payment_id, receipt_id, model_id, subject_at
      FROM current_finding ORDER BY dedupe_key
    ON CONFLICT (dedupe_key) DO UPDATE SET kind = EXCLUDED.kind, severity = EXCLUDED.severity, message = EXCLUDED.message,
           evidence = EXCLUDED.evidence, inference_id = EXCLUDED.inference_id, model_id = EXCLUDED.model_id,
           subject_at = EXCLUDED.subject_at, resolved_at = NULL
     WHERE finding.resolved_at IS NOT NULL OR finding.message <> EXCLUDED.message OR finding.kind <> EXCLUDED.kind
        OR finding.model_id IS DISTINCT FROM EXCLUDED.model_id OR finding.subject_at IS DISTINCT FROM EXCLUDED.subject_at`);
  await db.query(
    `UPDATE finding SET resolved_at = now()
      WHERE resolved_at IS NULL AND kind::text = ANY($1::text[])
        AND NOT EXISTS (SELECT 1 FROM current_finding c WHERE c.dedupe_key = finding.dedupe_key)`,
    [LINKER_FINDING_KINDS],
  );
  const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM current_finding");
  return { open: Number(rows[0]!.n) };
}
