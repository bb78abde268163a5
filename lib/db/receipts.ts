import "server-only";
import { concat, keccak256, numberToHex, toHex } from "viem";
import type { ParsedReceipt, Receipt, ReceiptsResult } from "@/lib/api/schemas/receipts";
import { requestAmountOf } from "@/lib/api/schemas/request-amount";
import { getPool } from "@/lib/db/client";

/**
 * The identity of a receipt: a hash of exactly what the enclave signed (enclave, both
 * hashes, timestamp) and the signature itself. Posting it again, with any other fields
 * changed, is the same receipt.
 */
export function receiptContentKey(r: Receipt): `0x${string}` {
  return keccak256(
    concat([
      r.tee_id,
      r.tee_request_hash,
      r.tee_output_hash,
      numberToHex(r.tee_timestamp, { size: 32 }),
      toHex(Buffer.from(r.tee_signature, "base64")),
    ]),
  );
}

const INSERT = `
  INSERT INTO receipt (raw, content_key, tee_id, request_hash, output_hash, tee_timestamp,
                       signature, model, session_id, payer, request_payload, reply_text,
                       request_amount, request_amount_source)
  SELECT r.raw::jsonb, r.content_key, r.tee_id, r.request_hash, r.output_hash,
         r.tee_timestamp::bigint, r.signature, r.model, r.session_id, r.payer,
         r.request_payload::jsonb, r.reply_text, r.request_amount::numeric, r.request_amount_source
    FROM jsonb_to_recordset($1::jsonb) AS r(raw text, content_key text, tee_id text,
         request_hash text, output_hash text, tee_timestamp text, signature text, model text,
         session_id text, payer text, request_payload text, reply_text text,
         request_amount text, request_amount_source text)
  ON CONFLICT (content_key) DO NOTHING
  RETURNING id, content_key`;

/**
 * Stores receipts raw and idempotently, all in one transaction: either every new one is
 * written or none is. Answers, per item in request order, its row id and whether it was
 * new; a receipt repeated inside the same request counts as a duplicate after the first.
 */
export async function insertReceipts(items: ParsedReceipt[]): Promise<ReceiptsResult> {
  const keyed = items.map((item) => ({ ...item, key: receiptContentKey(item.receipt) }));
  const unique = [...new Map(keyed.map((k) => [k.key, k])).values()];
  // Note: raw and request travel as JSON text and are cast to jsonb by PostgreSQL, which
  // keeps numbers as written (1.0 stays 1.0): the request hash depends on it.
  const rows = unique.map(({ rawJson, requestJson, receipt: r, key }) => ({
    raw: rawJson,
    content_key: key,
    tee_id: r.tee_id,
    request_hash: r.tee_request_hash,
    output_hash: r.tee_output_hash,
    tee_timestamp: r.tee_timestamp.toString(),
    signature: r.tee_signature,
    model: r.model,
    session_id: r.x402_session ?? null,
    payer: r.payer ?? null,
    request_payload: requestJson,
    reply_text: r.reply ?? null,
    ...requestAmountColumns(r),
  }));
  const client = await getPool().connect();
  try {
    await client.query("BEGIN");
    const inserted = await client.query<{ id: string; content_key: string }>(INSERT, [
      JSON.stringify(rows),
    ]);
    const existing = await client.query<{ id: string; content_key: string }>(
      "SELECT id, content_key FROM receipt WHERE content_key = ANY($1::text[])",
      [unique.map((u) => u.key)],
    );
    await client.query("COMMIT");
    const created = new Set(inserted.rows.map((r) => r.content_key));
    const ids = new Map(existing.rows.map((r) => [r.content_key, r.id]));
    const seen = new Set<string>();
    const results = keyed.map(({ key }, index) => {
      const isNew = created.has(key) && !seen.has(key);
      seen.add(key);
      return {
        index,
        id: ids.get(key)!,
        status: isNew ? ("created" as const) : ("duplicate" as const),
      };
    });
    const createdCount = results.filter((r) => r.status === "created").length;
    return { created: createdCount, duplicates: results.length - createdCount, results };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The gateway's per-request amount and its source, or nulls (see request-amount.ts). */
function requestAmountColumns(r: Receipt) {
  const found = requestAmountOf(r);
  return { request_amount: found?.amount ?? null, request_amount_source: found?.source ?? null };
}
