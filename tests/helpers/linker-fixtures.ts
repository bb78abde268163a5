import crypto from "node:crypto";
import type pg from "pg";
import { teeIdFromPublicKey } from "@/lib/evidence/tee-hash";
import { signTeeResponse } from "@/lib/devnet/scenario/tee-signer";

const hex = (bytes: number) => `0x${crypto.randomBytes(bytes).toString("hex")}`;

/** A registered enclave's key pair, its tee_id and its runtime image. */
export interface TestEnclave {
  teeId: string;
  privateKeyPem: string;
  pcrHash: string;
}

/** A chain and a registry source, so enclave rows have something to belong to. */
export async function insertRegistry(pool: pg.Pool): Promise<string> {
  await pool.query(
    `INSERT INTO chain (id, name, finality_depth) VALUES (10740, 'OG devnet', 12) ON CONFLICT DO NOTHING`,
  );
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO source (chain_id, kind, address, abi_version, from_block, label)
     VALUES (10740, 'tee_registry', $1, 1, 0, 'TEE registry') RETURNING id`,
    [hex(20)],
  );
  return rows[0]!.id;
}

/**
 * An enclave row as the indexer writes it; `publicKey` overrides the generated RSA key's DER
 * (a garbage key keeps a matching tee_id, so verification gets as far as reading the key).
 */
export async function insertEnclave(
  pool: pg.Pool,
  sourceId: string,
  opts: { publicKey?: string } = {},
): Promise<TestEnclave> {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const der =
    opts.publicKey ?? `0x${publicKey.export({ format: "der", type: "spki" }).toString("hex")}`;
  const enclave = {
    teeId: teeIdFromPublicKey(der),
    privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    pcrHash: hex(32),
  };
  await pool.query(
    `INSERT INTO enclave (chain_id, block_number, block_hash, tx_hash, log_index, source_id, registry_address,
                          tee_id, owner, public_key, pcr_hash, tee_type, enabled, registered_at, key_read_at_block)
     VALUES (10740, 1, $1, $2, 0, $3, $4, $5, $4, $6, $7, 1, true, '2026-01-01T00:00:00Z', 1)`,
    [hex(32), hex(32), sourceId, hex(20), enclave.teeId, der, enclave.pcrHash],
  );
  return enclave;
}

/** Receipt columns a test may set; everything else is a valid, distinct default. */
export interface ReceiptRow {
  contentKey?: string;
  teeId?: string;
  requestHash?: string;
  outputHash?: string;
  teeTimestamp?: string;
  signature?: string;
  model?: string;
  requestPayload?: string;
}

/**
 * Inserts a receipt with SQL, past the API's validation, as an older version or a hand-made
 * fix could have written it. With `signer` and no `signature`, the enclave signs it.
 */
export async function insertReceipt(
  pool: pg.Pool,
  row: ReceiptRow = {},
  signer?: TestEnclave,
): Promise<string> {
  const r = {
    contentKey: hex(32),
    teeId: signer?.teeId ?? hex(32),
    requestHash: hex(32),
    outputHash: hex(32),
    teeTimestamp: "1763900000",
    model: "openai/gpt-4.1",
    ...row,
  };
  const signature =
    r.signature ??
    (signer
      ? signTeeResponse({ privateKeyPem: signer.privateKeyPem, ...r, timestamp: r.teeTimestamp })
      : crypto.randomBytes(256).toString("base64"));
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO receipt (raw, content_key, tee_id, request_hash, output_hash, tee_timestamp, signature, model,
                          request_payload, received_at)
     VALUES ('{}', $1, $2, $3, $4, $5, $6, $7, $8::jsonb, clock_timestamp()) RETURNING id`,
    [
      r.contentKey,
      r.teeId,
      r.requestHash,
      r.outputHash,
      r.teeTimestamp,
      signature,
      r.model,
      r.requestPayload ?? null,
    ],
  );
  return rows[0]!.id;
}

/** A fresh random 0x hash, for columns that must be distinct. */
export const randomHash32 = () => hex(32);
