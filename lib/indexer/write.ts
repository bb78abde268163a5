import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { Hex } from "viem";
import { InconsistentRangeError } from "@/lib/chain/json-rpc";
import type {
  EnclaveRow,
  HubEventRow,
  LogRef,
  PaymentRow,
  RegistryEventRow,
  RowBatch,
  SettlementRow,
  WorkflowEventRow,
} from "./rows";

type Cell = string | number | bigint | boolean | Date | null | undefined;

/** A table the writer COPYs into: its columns and how a row gives them. */
export interface TableSpec<R> {
  table: string;
  columns: readonly string[];
  cells(row: R): Cell[];
}

const LOG_COLUMNS = ["chain_id", "block_number", "block_hash", "tx_hash", "log_index", "source_id"];
const logCells = (r: LogRef): Cell[] => [
  r.chainId,
  r.blockNumber,
  r.blockHash,
  r.txHash,
  r.logIndex,
  r.sourceId,
];
const json = (value: unknown) => JSON.stringify(value);

export const REGISTRY_EVENT_TABLE: TableSpec<RegistryEventRow> = {
  table: "registry_event",
  columns: [
    ...LOG_COLUMNS,
    "block_time",
    "event_name",
    "tee_id",
    "pcr_hash",
    "tee_type",
    "version",
    "owner",
    "data",
  ],
  cells: (r) => [
    ...logCells(r),
    r.blockTime,
    r.eventName,
    r.teeId,
    r.pcrHash,
    r.teeType,
    r.version,
    r.owner,
    json(r.data),
  ],
};

export const ENCLAVE_TABLE: TableSpec<EnclaveRow> = {
  table: "enclave",
  columns: [
    ...LOG_COLUMNS,
    "registry_address",
    "tee_id",
    "owner",
    "payment_address",
    "endpoint",
    "public_key",
    "pcr_hash",
    "tee_type",
    "enabled",
    "registered_at",
    "last_heartbeat_at",
    "key_read_at_block",
  ],
  cells: (r) => [
    ...logCells(r),
    r.registryAddress,
    r.teeId,
    r.owner,
    r.paymentAddress,
    r.endpoint,
    r.publicKey,
    r.pcrHash,
    r.teeType,
    r.enabled,
    r.registeredAt,
    r.lastHeartbeatAt,
    r.keyReadAtBlock,
  ],
};

export const SETTLEMENT_TABLE: TableSpec<SettlementRow> = {
  table: "settlement",
  columns: [
    ...LOG_COLUMNS,
    "block_time",
    "kind",
    "tee_id",
    "eth_address",
    "input_hash",
    "output_hash",
    "timestamp",
    "blob_id",
    "signature",
    "merkle_root",
    "batch_size",
    "model_info",
  ],
  cells: (r) => [
    ...logCells(r),
    r.blockTime,
    r.kind,
    r.teeId,
    r.ethAddress,
    r.inputHash,
    r.outputHash,
    r.timestamp,
    r.blobId,
    r.signature,
    r.merkleRoot,
    r.batchSize,
    r.modelInfo,
  ],
};

export const HUB_EVENT_TABLE: TableSpec<HubEventRow> = {
  table: "hub_event",
  columns: [
    ...LOG_COLUMNS,
    "block_time",
    "event_name",
    "inference_id",
    "mode",
    "model_cid",
    "request",
    "response",
  ],
  cells: (r) => [
    ...logCells(r),
    r.blockTime,
    r.eventName,
    r.inferenceId,
    r.mode,
    r.modelCid,
    r.request === null ? null : json(r.request),
    r.response === null ? null : json(r.response),
  ],
};

export const WORKFLOW_EVENT_TABLE: TableSpec<WorkflowEventRow> = {
  table: "workflow_event",
  columns: [
    ...LOG_COLUMNS,
    "block_time",
    "event_name",
    "user_address",
    "contract_address",
    "end_time",
    "frequency",
    "data",
  ],
  cells: (r) => [
    ...logCells(r),
    r.blockTime,
    r.eventName,
    r.user,
    r.contractAddress,
    r.endTime,
    r.frequency,
    json(r.data),
  ],
};

export const PAYMENT_TABLE: TableSpec<PaymentRow> = {
  table: "payment",
  columns: [
    ...LOG_COLUMNS,
    "token",
    "from_address",
    "to_address",
    "value",
    "settle_event",
    "authorizer",
    "nonce",
    "occurred_at",
  ],
  cells: (r) => [
    ...logCells(r),
    r.token,
    r.fromAddress,
    r.toAddress,
    r.value,
    r.settleEvent,
    r.authorizer,
    r.nonce,
    r.occurredAt,
  ],
};

/** One value in COPY's text format: `\N` for null, backslash escapes for the rest. */
function copyText(value: Cell): string {
  if (value === null || value === undefined) return "\\N";
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "boolean") return value ? "t" : "f";
  // Note: PostgreSQL text cannot hold NUL; a contract can emit it in any string.
  const s = String(value).replaceAll("\u0000", "");
  // Fast path: hex, numbers and most text need no escaping.
  if (!/[\\\t\n\r]/.test(s)) return s;
  return s.replace(/[\\\t\n\r]/g, (c) =>
    c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r",
  );
}

/** COPY text lines for `rows`, in chunks of about 1 MB so the stream stays bounded. */
function* copyLines<R>(spec: TableSpec<R>, rows: readonly R[]): Generator<string> {
  let chunk = "";
  for (const row of rows) {
    chunk += `${spec.cells(row).map(copyText).join("\t")}\n`;
    if (chunk.length > 1_000_000) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk) yield chunk;
}

/** COPYs rows straight into `table` (no conflict handling): what the benchmark's raw limit uses. */
export async function copyRows<R>(
  client: pg.ClientBase,
  spec: TableSpec<R>,
  rows: readonly R[],
  table = spec.table,
) {
  if (rows.length === 0) return;
  const stream = client.query(copyFrom(`COPY "${table}" (${spec.columns.join(", ")}) FROM STDIN`));
  await pipeline(Readable.from(copyLines(spec, rows)), stream);
}

/**
 * Writes rows idempotently: COPY into a session-local staging table, then one
 * `INSERT … SELECT … ON CONFLICT` into the real table, so a row already written (a restart
 * after a crash, a re-indexed range) is skipped instead of failing the batch, and a row of a
 * block that is canonical again after a reorg back is revived. A live row of the same log in
 * another block still fails the batch: that would be an undetected reorg, never hidden.
 * Must run inside the caller's transaction (the staging rows vanish at commit).
 */
export async function insertRows<R>(client: pg.ClientBase, spec: TableSpec<R>, rows: readonly R[]) {
  if (rows.length === 0) return 0;
  const stage = `stage_${spec.table}`;
  const cols = spec.columns.join(", ");
  await client.query(
    `CREATE TEMP TABLE IF NOT EXISTS ${stage} (LIKE "${spec.table}" INCLUDING DEFAULTS) ON COMMIT DELETE ROWS`,
  );
  await copyRows(client, spec, rows, stage);
  // A row of this very block (same hash) is already there: written before (a restart), or
  // orphaned by a reorg whose fork has since lost again, in which case it is live once more.
  const result = await client.query(
    `INSERT INTO "${spec.table}" (${cols}) SELECT ${cols} FROM ${stage}
     ON CONFLICT (chain_id, block_hash, log_index) DO UPDATE SET orphaned_at = NULL
     WHERE "${spec.table}".orphaned_at IS NOT NULL`,
  );
  return result.rowCount ?? 0;
}

/** Where each source stands after a committed range. */
export interface CheckpointUpdate {
  sourceId: string;
  blockNumber: bigint;
  blockHash: Hex;
}

/** The NOTIFY channel the app LISTENs on for new records. */
export const INDEXER_CHANNEL = "provenance_indexer";

/**
 * Commits one range of one chain: every row, the unfinalized block headers, the unknown-event
 * counts and the sources' checkpoints in one transaction, then NOTIFYs (delivered at commit).
 * A crash before COMMIT leaves nothing; after it, everything.
 */
export async function commitBatch(
  client: pg.ClientBase,
  args: {
    chainId: number;
    batch: RowBatch;
    checkpoints: readonly CheckpointUpdate[];
    pruneBelow?: bigint;
  },
): Promise<number> {
  const { batch, chainId } = args;
  await client.query("BEGIN");
  try {
    let written = 0;
    written += await insertRows(client, REGISTRY_EVENT_TABLE, batch.registryEvents);
    await insertRows(client, ENCLAVE_TABLE, batch.enclaves);
    written += await insertRows(client, SETTLEMENT_TABLE, batch.settlements);
    written += await insertRows(client, HUB_EVENT_TABLE, batch.hubEvents);
    written += await insertRows(client, WORKFLOW_EVENT_TABLE, batch.workflowEvents);
    written += await insertRows(client, PAYMENT_TABLE, batch.payments);
    if (batch.blocks.length > 0) {
      // Kept headers are one chain: a different live header at the same height means the chain
      // moved under us; refuse the range (the caller re-runs the reorg check).
      const clash = await client.query(
        `SELECT b.number FROM block b JOIN unnest($2::bigint[], $3::text[]) AS n(num, hash) ON b.number = n.num
          WHERE b.chain_id = $1 AND b.orphaned_at IS NULL AND b.hash <> n.hash LIMIT 1`,
        [chainId, batch.blocks.map((b) => b.number.toString()), batch.blocks.map((b) => b.hash)],
      );
      if (clash.rows.length > 0) {
        throw new InconsistentRangeError(
          `Block ${clash.rows[0].number} was read with another hash than the one indexed: the chain reorganised while syncing`,
          true,
        );
      }
      await client.query(
        `INSERT INTO block (chain_id, number, hash, parent_hash, timestamp)
         SELECT $1, n, h, p, to_timestamp(t) FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[]) AS b(n, h, p, t)
         ON CONFLICT (chain_id, hash) DO UPDATE SET orphaned_at = NULL`,
        [
          chainId,
          batch.blocks.map((b) => b.number.toString()),
          batch.blocks.map((b) => b.hash),
          batch.blocks.map((b) => b.parentHash),
          batch.blocks.map((b) => b.timestamp),
        ],
      );
    }
    if (args.pruneBelow !== undefined) {
      // Live headers below the finality window are no longer needed to detect a reorg.
      await client.query(
        "DELETE FROM block WHERE chain_id = $1 AND number < $2 AND orphaned_at IS NULL",
        [chainId, args.pruneBelow.toString()],
      );
    }
    for (const [sourceId, count] of batch.unknown) {
      await client.query("UPDATE source SET unknown_events = unknown_events + $2 WHERE id = $1", [
        sourceId,
        count,
      ]);
    }
    if (args.checkpoints.length > 0) {
      await client.query(
        `INSERT INTO source_checkpoint (source_id, block_number, block_hash, updated_at)
         SELECT s, n, h, now() FROM unnest($1::uuid[], $2::bigint[], $3::text[]) AS c(s, n, h)
         ON CONFLICT (source_id) DO UPDATE
           SET block_number = EXCLUDED.block_number, block_hash = EXCLUDED.block_hash, updated_at = now()`,
        [
          args.checkpoints.map((c) => c.sourceId),
          args.checkpoints.map((c) => c.blockNumber.toString()),
          args.checkpoints.map((c) => c.blockHash),
        ],
      );
      await client.query(
        "UPDATE source SET last_error = NULL, last_error_at = NULL WHERE id = ANY($1::uuid[]) AND last_error IS NOT NULL",
        [args.checkpoints.map((c) => c.sourceId)],
      );
    }
    const last = args.checkpoints.reduce((m, c) => (c.blockNumber > m ? c.blockNumber : m), -1n);
    await client.query("SELECT pg_notify($1, $2)", [
      INDEXER_CHANNEL,
      JSON.stringify({ kind: "commit", chainId, block: last.toString(), rows: written }),
    ]);
    await client.query("COMMIT");
    return written;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}
