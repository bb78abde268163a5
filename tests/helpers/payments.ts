import crypto from "node:crypto";
import type pg from "pg";
import { DEVNET_ENCLAVE_KEYS } from "@/lib/devnet/scenario/enclave-keys";
import { signTeeResponse } from "@/lib/devnet/scenario/tee-signer";

// A payment world in one database: a registered enclave (so its receipts verify and count),
// payers' x402 payments written as the indexer would, and receipts signed by that enclave.

const CHAIN = 8453;
const ENCLAVE = DEVNET_ENCLAVE_KEYS[0]!;
const hex = (bytes: number) => crypto.randomBytes(bytes).toString("hex");

/** Seeds the chain, the sources and one enabled enclave registered on chain. */
export async function seedPaymentWorld(pool: pg.Pool): Promise<{ sourceId: string }> {
  await pool.query(
    `INSERT INTO chain (id, name, rpc_url, finality_depth) VALUES ($1, 'Base', 'http://x', 1)`,
    [CHAIN],
  );
  const source = await pool.query<{ id: string }>(
    `INSERT INTO source (chain_id, kind, address, abi_version, from_block, label)
     VALUES ($1, 'opg_token', '0x${"1".repeat(40)}', 1, 0, 'OPG') RETURNING id`,
    [CHAIN],
  );
  const sourceId = source.rows[0]!.id;
  await pool.query(
    `INSERT INTO enclave (chain_id, block_number, block_hash, tx_hash, log_index, source_id,
                          registry_address, tee_id, owner, public_key, pcr_hash, tee_type, enabled,
                          registered_at, key_read_at_block)
     VALUES ($1, 1, $2, $3, 0, $4, '0x${"5".repeat(40)}', $5, '0x${"6".repeat(40)}', $6, $7, 0, true,
             '2026-01-01T00:00:00Z', 1)`,
    [
      CHAIN,
      `0x${hex(32)}`,
      `0x${hex(32)}`,
      sourceId,
      ENCLAVE.teeId,
      ENCLAVE.publicKeyDer,
      `0x${hex(32)}`,
    ],
  );
  return { sourceId };
}

/** A receipt signed by the registered enclave, with its x402 session and payer. */
export function signedReceipt(args: {
  session: string;
  payer: string;
  /** Unix seconds. */
  at: number;
  /** The gateway's per-request cost, as the `opengradient` block carries it. */
  costOpg?: bigint;
  extra?: Record<string, unknown>;
}) {
  const requestHash = hex(32);
  const outputHash = hex(32);
  return {
    id: `chatcmpl-${hex(6)}`,
    object: "chat.completion",
    model: "openai/gpt-4.1",
    choices: [{ index: 0, message: { role: "assistant", content: "Paris." } }],
    tee_signature: signTeeResponse({
      privateKeyPem: ENCLAVE.privateKeyPem,
      requestHash,
      outputHash,
      timestamp: args.at,
    }),
    tee_request_hash: requestHash,
    tee_output_hash: outputHash,
    tee_timestamp: args.at,
    tee_id: ENCLAVE.teeId,
    x402_session: args.session,
    payer: args.payer,
    ...(args.costOpg === undefined ? {} : { opengradient: { cost_opg: args.costOpg.toString() } }),
    ...args.extra,
  };
}

/** A settled x402 payment from `payer`, at unix seconds `at`, as the indexer writes it. */
export async function insertPayment(
  pool: pg.Pool,
  sourceId: string,
  args: { payer: string; at: number; value: bigint; block?: number },
): Promise<string> {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO payment (chain_id, block_number, block_hash, tx_hash, log_index, source_id, token,
                          from_address, to_address, value, settle_event, occurred_at)
     VALUES ($1, $2, $3, $4, 0, $5, '0x${"1".repeat(40)}', $6, '0x${"3".repeat(40)}', $7, 'Settled',
             to_timestamp($8)) RETURNING id`,
    [
      CHAIN,
      args.block ?? args.at,
      `0x${hex(32)}`,
      `0x${hex(32)}`,
      sourceId,
      args.payer,
      args.value.toString(),
      args.at,
    ],
  );
  return rows[0]!.id;
}

/** A fresh payer address, lowercase as stored. */
export const newPayer = () => `0x${hex(20)}`;
