import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { SettlementKind, SettlementRow } from "@/lib/indexer/rows";

/**
 * The benchmark's database limit (issue 17): the leanest reasonable table for the rows the
 * `settlement` table holds. Bytes as `bytea`, the natural key of a log as the primary key,
 * cheap length CHECKs instead of regexes, and two secondary indexes: the output hash (what
 * receipts, search and the linker join on) and an enclave's settlements in block order.
 * Which indexes the product truly needs is issue 17's schema work, not this file's.
 */
export const LEAN_TABLE = "bench_settlement_lean";

export const CREATE_LEAN_TABLE = `
CREATE TABLE ${LEAN_TABLE} (
  chain_id     integer     NOT NULL,
  block_number bigint      NOT NULL,
  log_index    integer     NOT NULL,
  block_hash   bytea       NOT NULL CHECK (octet_length(block_hash) = 32),
  tx_hash      bytea       NOT NULL CHECK (octet_length(tx_hash) = 32),
  source_id    uuid        NOT NULL,
  block_time   timestamptz NOT NULL,
  kind         smallint    NOT NULL,
  tee_id       bytea CHECK (octet_length(tee_id) = 32),
  eth_address  bytea CHECK (octet_length(eth_address) = 20),
  input_hash   bytea CHECK (octet_length(input_hash) = 32),
  output_hash  bytea CHECK (octet_length(output_hash) = 32),
  "timestamp"  timestamptz,
  blob_id      text,
  signature    bytea,
  merkle_root  bytea CHECK (octet_length(merkle_root) = 32),
  batch_size   integer,
  model_info   text,
  orphaned_at  timestamptz,
  PRIMARY KEY (chain_id, block_number, log_index)
);
CREATE INDEX ON ${LEAN_TABLE} (output_hash);
CREATE INDEX ON ${LEAN_TABLE} (tee_id, block_number);`;

/** The settlement kinds as small integers (position in the `settlement_kind` enum). */
export const KINDS: readonly SettlementKind[] = [
  "individual",
  "batch",
  "legacy_settlement",
  "legacy_batch",
  "legacy_with_metadata",
];

const COLUMNS = [
  "chain_id",
  "block_number",
  "log_index",
  "block_hash",
  "tx_hash",
  "source_id",
  "block_time",
  "kind",
  "tee_id",
  "eth_address",
  "input_hash",
  "output_hash",
  '"timestamp"',
  "blob_id",
  "signature",
  "merkle_root",
  "batch_size",
  "model_info",
];

/** COPYs `rows` into the lean table in PostgreSQL's binary format. */
export async function copyLean(client: pg.ClientBase, rows: readonly SettlementRow[]) {
  if (rows.length === 0) return;
  const sql = `COPY ${LEAN_TABLE} (${COLUMNS.join(", ")}) FROM STDIN (FORMAT binary)`;
  await pipeline(Readable.from(binaryChunks(rows)), client.query(copyFrom(sql)));
}

const kindCode = (kind: SettlementKind) => {
  const code = KINDS.indexOf(kind);
  if (code < 0) throw new Error(`Unknown settlement kind: ${kind}`);
  return code;
};

const CHUNK = 1 << 20;
// Note: binary COPY's timestamps are microseconds since 2000-01-01 UTC, not 1970.
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/**
 * The rows as binary COPY data, in chunks of about 1 MB. Hand-written because pg-copy-streams
 * only carries bytes: the format is a header, per row a field count and length-prefixed
 * fields (-1 for NULL), and a trailer. Binary rather than text with `\x` hex: PostgreSQL then
 * parses no hex, dates or numbers, so this is the cheapest input a table can take.
 */
function* binaryChunks(rows: readonly SettlementRow[]): Generator<Buffer> {
  let buf = Buffer.allocUnsafe(2 * CHUNK);
  let at = 0;
  const room = (n: number) => {
    if (at + n <= buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * buf.length, at + n));
    buf.copy(bigger, 0, 0, at);
    buf = bigger;
  };
  const nul = () => {
    room(4);
    at = buf.writeInt32BE(-1, at);
  };
  const int2 = (v: number) => {
    room(6);
    at = buf.writeInt16BE(v, buf.writeInt32BE(2, at));
  };
  const int4 = (v: number | null) => {
    if (v === null) return nul();
    room(8);
    at = buf.writeInt32BE(v, buf.writeInt32BE(4, at));
  };
  const int8 = (v: bigint) => {
    room(12);
    at = buf.writeBigInt64BE(v, buf.writeInt32BE(8, at));
  };
  const time = (d: Date | null) =>
    d === null ? nul() : int8(BigInt(d.getTime() - PG_EPOCH_MS) * 1000n);
  const bytes = (hex: string | null) => {
    if (hex === null) return nul();
    const n = hex.length >> 1;
    room(4 + n);
    const written = buf.write(hex, at + 4, n, "hex");
    if (written * 2 !== hex.length) throw new Error(`Not an even-length hex string: ${hex}`);
    at = buf.writeInt32BE(n, at) + n;
  };
  const text = (s: string | null) => {
    if (s === null) return nul();
    // Note: PostgreSQL text cannot hold NUL (the product's writer strips it too).
    const clean = s.replaceAll("\u0000", "");
    const n = Buffer.byteLength(clean);
    room(4 + n);
    at = buf.writeInt32BE(n, at);
    at += buf.write(clean, at, n, "utf8");
  };

  room(SIGNATURE.length + 8);
  at += SIGNATURE.copy(buf, at);
  at = buf.writeInt32BE(0, buf.writeInt32BE(0, at)); // flags, header extension length
  for (const r of rows) {
    room(2);
    at = buf.writeInt16BE(COLUMNS.length, at);
    int4(r.chainId);
    int8(r.blockNumber);
    int4(r.logIndex);
    bytes(r.blockHash.slice(2));
    bytes(r.txHash.slice(2));
    bytes(r.sourceId.replaceAll("-", ""));
    time(r.blockTime);
    int2(kindCode(r.kind));
    bytes(r.teeId && r.teeId.slice(2));
    bytes(r.ethAddress && r.ethAddress.slice(2));
    bytes(r.inputHash && r.inputHash.slice(2));
    bytes(r.outputHash && r.outputHash.slice(2));
    time(r.timestamp);
    text(r.blobId);
    bytes(r.signature && r.signature.slice(2));
    bytes(r.merkleRoot && r.merkleRoot.slice(2));
    int4(r.batchSize);
    text(r.modelInfo);
    if (at >= CHUNK) {
      yield buf.subarray(0, at);
      buf = Buffer.allocUnsafe(2 * CHUNK);
      at = 0;
    }
  }
  room(2);
  at = buf.writeInt16BE(-1, at); // trailer
  yield buf.subarray(0, at);
}

/**
 * How many rows of the lean table differ from the live `settlement` row of the same log,
 * column by column (or have none): 0 when the binary encoding above is right.
 */
export async function countLeanMismatches(db: pg.ClientBase | pg.Pool): Promise<number> {
  const hex = (c: string) => `'0x' || encode(l.${c}, 'hex') IS NOT DISTINCT FROM s.${c}`;
  const same = (c: string) => `l.${c} IS NOT DISTINCT FROM s.${c}`;
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM ${LEAN_TABLE} l
       LEFT JOIN settlement s ON s.chain_id = l.chain_id AND s.block_number = l.block_number
        AND s.log_index = l.log_index AND s.orphaned_at IS NULL
      WHERE NOT (s.id IS NOT NULL
        AND ${["block_hash", "tx_hash", "tee_id", "eth_address", "input_hash", "output_hash", "signature", "merkle_root"].map(hex).join(" AND ")}
        AND ${["source_id", "block_time", '"timestamp"', "blob_id", "batch_size", "model_info"].map(same).join(" AND ")}
        AND (enum_range(NULL::settlement_kind))[l.kind + 1] = s.kind)`,
  );
  return rows[0].n;
}
