import type pg from "pg";
import { parsePythonJson } from "@/lib/evidence/python-json-parse";
import type { TeeChatRequest } from "@/lib/evidence/tee-hash";
import { verifyTeeSignature } from "@/lib/evidence/tee-signature";

interface PendingReceipt {
  id: string;
  tee_id: string;
  request_hash: string;
  output_hash: string;
  tee_timestamp: string;
  signature: string;
  request_text: string | null;
  reply_text: string | null;
  public_key: string | null;
}

/**
 * Verifies receipts not yet verified (or waiting for their enclave's key) against the key the
 * registry holds for their `tee_id`: RSA-PSS over the signed message, and both hashes when the
 * integrator shared the request and reply. Receipts whose enclave is not indexed (yet) are
 * `no_key` and are tried again on the next pass.
 */
export async function verifyReceipts(pool: pg.Pool, limit = 5_000): Promise<number> {
  // Receipts still waiting for their enclave's key come last, so they never starve new ones.
  // Note: the request is read as jsonb text and parsed by parsePythonJson, so 1.0 stays a
  // float and the recomputed request hash matches what the enclave hashed.
  const { rows } = await pool.query<PendingReceipt>(
    `SELECT r.id, r.tee_id, r.request_hash, r.output_hash, r.tee_timestamp::text, r.signature,
            r.request_payload::text AS request_text, r.reply_text,
            (SELECT e.public_key FROM enclave e WHERE e.tee_id = r.tee_id AND e.orphaned_at IS NULL
              ORDER BY e.block_number LIMIT 1) AS public_key
       FROM receipt r
      WHERE r.signature_status IN ('unverified', 'no_key')
      ORDER BY r.signature_status = 'no_key', r.received_at LIMIT $1`,
    [limit],
  );
  const updates = rows.map((r) => {
    if (!r.public_key) {
      return {
        id: r.id,
        status: "no_key",
        reason: "No enclave with this tee_id is registered in the indexed registries yet.",
      };
    }
    let request: TeeChatRequest | undefined;
    if (r.request_text !== null) {
      const parsed = parsePythonJson(r.request_text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
        request = parsed as TeeChatRequest;
    }
    const check = verifyTeeSignature({
      publicKey: r.public_key,
      teeId: r.tee_id,
      requestHash: r.request_hash,
      outputHash: r.output_hash,
      timestamp: r.tee_timestamp,
      signature: r.signature,
      payload:
        request || r.reply_text !== null
          ? { request, reply: r.reply_text ?? undefined }
          : undefined,
    });
    return check.ok
      ? { id: r.id, status: "valid", reason: null }
      : { id: r.id, status: "invalid", reason: `${check.reason}: ${check.detail}` };
  });
  if (updates.length === 0) return 0;
  await pool.query(
    `UPDATE receipt r SET signature_status = u.status::signature_status, verification_reason = u.reason,
            verified_at = CASE WHEN u.status = 'no_key' THEN NULL ELSE now() END
       FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, status text, reason text)
      WHERE r.id = u.id`,
    [JSON.stringify(updates)],
  );
  return updates.filter((u) => u.status !== "no_key").length;
}
