import type pg from "pg";
import { parsePythonJson } from "@/lib/evidence/python-json-parse";
import type { TeeChatRequest } from "@/lib/evidence/tee-hash";
import { verifyTeeSignature } from "@/lib/evidence/tee-signature";
import { log } from "@/lib/log";
import { releaseRetried, setAside, type Culprit } from "./aside";

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
 * `no_key` and are tried again on the next pass. Never throws on a row: a receipt that cannot
 * be checked at all (a request that is not JSON as the enclave read it) is set aside from
 * this step with the reason, and left out until it changes or its retry time comes.
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
        AND NOT EXISTS (SELECT 1 FROM linker_aside a WHERE a.step = 'verify' AND a.receipt_id = r.id
                           AND a.retry_at > now() AND a.fingerprint = md5(r::text))
      ORDER BY r.signature_status = 'no_key', r.received_at LIMIT $1`,
    [limit],
  );
  const updates: { id: string; status: string; reason: string | null }[] = [];
  const culprits: Culprit[] = [];
  for (const r of rows) {
    try {
      updates.push(verifyOne(r));
    } catch (error) {
      culprits.push({
        receiptId: r.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  if (culprits.length > 0) {
    await setAside(pool, "verify", culprits);
    log.warn(
      { step: "verify", receipts: culprits.map((c) => c.receiptId), error: culprits[0]!.error },
      "Linker set receipts aside",
    );
  }
  if (updates.length === 0) return 0;
  await pool.query(
    `UPDATE receipt r SET signature_status = u.status::signature_status, verification_reason = u.reason,
            verified_at = CASE WHEN u.status = 'no_key' THEN NULL ELSE now() END
       FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, status text, reason text)
      WHERE r.id = u.id`,
    [JSON.stringify(updates)],
  );
  await releaseRetried(
    pool,
    "verify",
    updates.map((u) => u.id),
  );
  return updates.filter((u) => u.status !== "no_key").length;
}

/** One receipt's verdict; throws only when the receipt cannot be checked at all. */
function verifyOne(r: PendingReceipt): { id: string; status: string; reason: string | null } {
  if (!r.public_key) {
    return {
      id: r.id,
      status: "no_key",
      reason: "No enclave with this tee_id is registered in the indexed registries yet.",
    };
  }
  let request: TeeChatRequest | undefined;
  if (r.request_text !== null) {
    let parsed: unknown;
    try {
      parsed = parsePythonJson(r.request_text);
    } catch (error) {
      throw new Error(
        `request_payload cannot be read as the JSON the enclave hashed: ${(error as Error).message}`,
        { cause: error },
      );
    }
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
      request || r.reply_text !== null ? { request, reply: r.reply_text ?? undefined } : undefined,
  });
  return check.ok
    ? { id: r.id, status: "valid", reason: null }
    : // Note: a reason may quote the row; PostgreSQL text cannot hold NUL.
      {
        id: r.id,
        status: "invalid",
        reason: `${check.reason}: ${check.detail}`.replaceAll("\u0000", ""),
      };
}
