import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

const AGENT_ACTION_COLUMNS = [
  "id",
  "agent",
  "chain_id",
  "kind",
  "summary",
  "occurred_at",
  "statement",
  "signature",
  "content_key",
];

/**
 * Synthetic provenance data for the query benchmark, loaded with COPY in time order so each
 * statement's roll-up refresh touches only the hours it wrote. Shape, per N inferences:
 * 8 models (one "hot" model takes half the traffic), 3 versions each with bitemporal
 * deployments (v1.1.0 of every model revoked after a window), 24 enclaves, 2,000 payers,
 * one individual settlement per 10 inferences, one payment per 20 (allocated over 4
 * inferences), one agent action per 50 (citing an output) plus one per 200 citing an
 * earlier action, and one finding per 200. Spread over the 90 days before `end`.
 *
 * The incident the blast-radius benchmark measures (see INCIDENT): the hot model's v1.1.0,
 * which served two thirds of its traffic from 40% to 55% of the span, is marked bad from
 * 49% to 55% (2% of all inferences, 100,000 at 5M). From 55% to 56% one hot inference in 25
 * still claims v1.1.0 (stale records, 1,000 at 5M). One in five of those reached inferences
 * has a three-level chain of agent actions (an action citing its output, one citing that
 * action, one citing the second; 20,000 chains at 5M); the regular actions never reach
 * them. Their settlements and payments are the regular ones.
 */
export const SPAN_DAYS = 90;
export const MODELS = 8;
export const HOT_MODEL = "llm:bench/hot-model";
const CHUNK = 100_000;
const ENCLAVES = 24;
const PAYERS = 2000;
const AGENTS = 50;

const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
/** A 32-byte hash unique to (kind, i), spread over the key space. */
export const hashOf = (kind: number, i: number) =>
  `0x${hex(Math.imul(i + 1, 2654435761) >>> 0, 8)}${hex(kind, 2)}${hex(i, 54)}`;
const address = (kind: number, i: number) => `0x${hex(kind, 2)}${hex(i, 38)}`;
const modelName = (m: number) => (m === 0 ? HOT_MODEL : `llm:bench/model-${m}`);
/** Which model inference i belongs to: half to the hot model, the rest spread. */
const modelOf = (i: number) => (i % 2 === 0 ? 0 : 1 + (i % (MODELS - 1)));

/**
 * The planted incident, as fractions of the span: the hot model's version `version` is bad
 * from `from` to `to`; up to `staleTo`, some hot records still claim it.
 */
export const INCIDENT = { version: 1, from: 0.49, to: 0.55, staleTo: 0.56 } as const;

export interface Synthetic {
  modelIds: string[];
  versionIds: string[][];
  end: Date;
  /** How many inferences are loaded so far. */
  loaded: number;
  total: number;
}

/** When inference i happens (unix ms): proportional to i over the whole planned total. */
export function timeOf(s: Synthetic, i: number): number {
  const span = SPAN_DAYS * 86_400_000;
  return s.end.getTime() - span + Math.floor((i / s.total) * span);
}

/** The time (unix ms) at a fraction of the span, in whole milliseconds. */
export function timeAt(s: Synthetic, f: number): number {
  const span = SPAN_DAYS * 86_400_000;
  return s.end.getTime() - span + Math.round(f * span);
}

/** Which of its model's 3 versions inference i claims. */
export function versionOf(s: Synthetic, i: number): number {
  const f = i / s.total;
  if (f < 0.4) return 0;
  if (f < 0.55) return i % 3 === 0 ? 0 : 1;
  // Stale records: one hot inference in 25 still claims the rolled-back version.
  if (f < INCIDENT.staleTo && i % 50 === 2) return INCIDENT.version;
  return i % 4 === 0 ? 0 : 2;
}

/** Whether the planted incident reaches inference i (bad version, from the window's start). */
export function reachedByIncident(s: Synthetic, i: number): boolean {
  return (
    modelOf(i) === 0 &&
    versionOf(s, i) === INCIDENT.version &&
    timeOf(s, i) >= timeAt(s, INCIDENT.from)
  );
}

/** The planted chains' depth: action 1 cites the output, 2 cites 1, 3 cites 2. */
export const CHAIN_DEPTH = 3;
/** Whether inference i's output starts a planted chain of agent actions. */
export const startsChain = (s: Synthetic, i: number) => i % 10 === 4 && reachedByIncident(s, i);

async function copy(
  client: pg.ClientBase,
  table: string,
  columns: string[],
  lines: Iterable<string>,
) {
  const t0 = Date.now();
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN`));
  await pipeline(Readable.from(lines), stream);
  if (process.env.BENCH_DEBUG) console.log(`${table}: ${Date.now() - t0} ms`);
}

/** Models, versions, deployments, chain and sources: the fixed part. */
export async function createSynthetic(
  client: pg.ClientBase,
  total: number,
  end = new Date(),
): Promise<Synthetic> {
  const start = new Date(end.getTime() - SPAN_DAYS * 86_400_000);
  await client.query(
    `INSERT INTO chain (id, name, rpc_url, finality_depth) VALUES (10740, 'OG (bench)', 'http://x', 32), (8453, 'Base (bench)', 'http://x', 64)`,
  );
  await client.query(
    `INSERT INTO source (chain_id, kind, address, abi_version, from_block, label) VALUES
       (10740, 'settlement_relay', '0x${"5".repeat(40)}', 2, 0, 'relay'), (8453, 'opg_token', '0x${"6".repeat(40)}', 1, 0, 'OPG')`,
  );
  const modelIds: string[] = [];
  const versionIds: string[][] = [];
  for (let m = 0; m < MODELS; m++) {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO model (name, kind) VALUES ($1, 'llm') RETURNING id`,
      [modelName(m)],
    );
    modelIds.push(rows[0]!.id);
    const versions: string[] = [];
    for (const [v, label] of ["v1.0.0", "v1.1.0", "v1.2.0"].entries()) {
      const pcr = hashOf(200 + m, v);
      const { rows: vr } = await client.query<{ id: string }>(
        `INSERT INTO model_version (model_id, label, key, pcr_hash) VALUES ($1, $2, 'pcr:' || $3, $3) RETURNING id`,
        [rows[0]!.id, label, pcr],
      );
      versions.push(vr[0]!.id);
    }
    versionIds.push(versions);
    const at = (f: number) => new Date(start.getTime() + f * (end.getTime() - start.getTime()));
    // v1.0.0 throughout; v1.1.0 from 40% to 55% (revoked); v1.2.0 from 55%.
    await client.query(
      `INSERT INTO deployment (model_id, model_version_id, valid_from, valid_to, basis, recorded_at) VALUES
         ($1, $2, $5, NULL, 'approval', $5), ($1, $3, $6, $7, 'revocation', $7), ($1, $4, $7, NULL, 'approval', $7)`,
      [rows[0]!.id, versions[0], versions[1], versions[2], start, at(0.4), at(0.55)],
    );
  }
  return { modelIds, versionIds, end, loaded: 0, total };
}

/** Indexes the roll-up triggers and foreign keys need while loading: kept; the rest rebuilt after. */
const KEEP_WHILE_LOADING = [
  "inference_model_id_occurred_at_id_idx",
  "payment_allocation_inference_id_idx",
];

/**
 * Drops the secondary (non-unique) indexes of the big tables and returns the statements that
 * recreate them: building an index once is far faster than maintaining it row by row.
 */
async function dropSecondaryIndexes(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND indexdef NOT LIKE 'CREATE UNIQUE%' AND NOT (indexname = ANY($2))
        AND tablename = ANY($1)`,
    [
      [
        "inference",
        "settlement",
        "payment",
        "payment_allocation",
        "agent_action",
        "agent_action_citation",
        "finding",
      ],
      KEEP_WHILE_LOADING,
    ],
  );
  for (const r of rows) await client.query(`DROP INDEX "${r.indexname}"`);
  return rows.map((r) => r.indexdef);
}

/** Loads inferences [s.loaded, upTo) and everything hanging off them, in chunks, in time order. */
export async function loadSynthetic(
  client: pg.ClientBase,
  s: Synthetic,
  upTo: number,
  onProgress: (done: number) => void,
) {
  const time = (i: number, plusMs = 0) => new Date(timeOf(s, i) + plusMs).toISOString();
  const relay = (
    await client.query<{ id: string }>(`SELECT id FROM source WHERE kind = 'settlement_relay'`)
  ).rows[0]!.id;
  const token = (
    await client.query<{ id: string }>(`SELECT id FROM source WHERE kind = 'opg_token'`)
  ).rows[0]!.id;
  const recreate = await dropSecondaryIndexes(client);
  const statuses = [
    "valid",
    "valid",
    "valid",
    "valid",
    "valid",
    "valid",
    "valid",
    "invalid",
    "no_key",
    "valid",
  ];
  for (let lo = s.loaded; lo < upTo; lo += CHUNK) {
    const hi = Math.min(upTo, lo + CHUNK);
    const range = (f: (i: number) => string | null, every = 1, offset = 0) =>
      (function* () {
        for (let i = lo; i < hi; i++)
          if (i % every === offset) {
            const line = f(i);
            if (line !== null) yield line;
          }
      })();
    const chains = (f: (i: number, depth: number) => string) =>
      (function* () {
        for (let i = lo; i < hi; i++)
          if (startsChain(s, i)) for (let d = 1; d <= CHAIN_DEPTH; d++) yield f(i, d);
      })();
    await client.query("BEGIN");
    await copy(
      client,
      "settlement",
      [
        "id",
        "chain_id",
        "block_number",
        "block_hash",
        "tx_hash",
        "log_index",
        "block_time",
        "source_id",
        "kind",
        "tee_id",
        "input_hash",
        "output_hash",
      ],
      range(
        (i) =>
          `${uuidOf(1, i)}\t10740\t${i}\t${hashOf(3, i)}\t${hashOf(4, i)}\t0\t${time(i)}\t${relay}\tindividual\t${hashOf(5, i % ENCLAVES)}\t${hashOf(1, i)}\t${hashOf(2, i)}\n`,
        10,
      ),
    );
    await copy(
      client,
      "inference",
      [
        "id",
        "model_id",
        "model_version_id",
        "input_hash",
        "output_hash",
        "occurred_at",
        "tee_id",
        "signature_status",
        "settlement_id",
        "session_id",
        "payer",
      ],
      range((i) => {
        const m = modelOf(i);
        return `inf_${hex(i, 32)}\t${s.modelIds[m]}\t${s.versionIds[m]![versionOf(s, i)]}\t${hashOf(1, i)}\t${hashOf(2, i)}\t${time(i)}\t${hashOf(5, i % ENCLAVES)}\t${statuses[i % 10]}\t${i % 10 === 0 ? uuidOf(1, i) : "\\N"}\tsession-${Math.floor(i / 4)}\t${address(7, i % PAYERS)}\n`;
      }),
    );
    await copy(
      client,
      "payment",
      [
        "id",
        "chain_id",
        "block_number",
        "block_hash",
        "tx_hash",
        "log_index",
        "source_id",
        "token",
        "from_address",
        "to_address",
        "value",
        "settle_event",
        "session_id",
        "occurred_at",
      ],
      range(
        (i) =>
          `${uuidOf(2, i)}\t8453\t${i}\t${hashOf(8, i)}\t${hashOf(9, i)}\t0\t${token}\t0x${"6".repeat(40)}\t${address(7, i % PAYERS)}\t${address(9, 1)}\t${(BigInt(1 + (i % 50)) * 10n ** 16n).toString()}\tSettled\tsession-${Math.floor(i / 4)}\t${time(i)}\n`,
        20,
      ),
    );
    await copy(
      client,
      "payment_allocation",
      ["payment_id", "inference_id", "amount", "method"],
      range((i) =>
        i % 20 < 4
          ? `${uuidOf(2, i - (i % 20))}\tinf_${hex(i, 32)}\t${((BigInt(1 + ((i - (i % 20)) % 50)) * 10n ** 16n) / 4n).toString()}\tsession_equal_split\n`
          : null,
      ),
    );
    await copy(
      client,
      "agent_action",
      AGENT_ACTION_COLUMNS,
      range(
        (i) =>
          `${uuidOf(3, i)}\t${address(10, i % AGENTS)}\t8453\t${i % 100 === 0 ? "settings_change" : "onchain_tx"}\tActed on output ${i}\t${time(i)}\t{}\t0x00\t${hashOf(11, i)}\n`,
        50,
      ),
    );
    await copy(
      client,
      "agent_action_citation",
      ["action_id", "output_hash", "cited_action_id"],
      range(
        (i) =>
          i % 200 === 0 && i >= 50
            ? `${uuidOf(3, i)}\t\\N\t${uuidOf(3, i - 50)}\n`
            : // The regular actions leave the incident's outputs to the planted chains: one
              // that would cite such an output cites the next inference's (another model's).
              `${uuidOf(3, i)}\t${hashOf(2, reachedByIncident(s, i) ? i + 1 : i)}\t\\N\n`,
        50,
      ),
    );
    // The planted chains: action d of chain i is uuidOf(3 + d, i), d minutes after inference i.
    await copy(
      client,
      "agent_action",
      AGENT_ACTION_COLUMNS,
      chains((i, d) => {
        const kind = ["onchain_tx", "memory_write", "settings_change"][d - 1]!;
        return `${uuidOf(3 + d, i)}\t${address(10, (i + d) % AGENTS)}\t8453\t${kind}\tStep ${d} on output ${i}\t${time(i, d * 60_000)}\t{}\t0x00\t${hashOf(11 + d, i)}\n`;
      }),
    );
    await copy(
      client,
      "agent_action_citation",
      ["action_id", "output_hash", "cited_action_id"],
      chains((i, d) =>
        d === 1
          ? `${uuidOf(4, i)}\t${hashOf(2, i)}\t\\N\n`
          : `${uuidOf(3 + d, i)}\t\\N\t${uuidOf(2 + d, i)}\n`,
      ),
    );
    await copy(
      client,
      "finding",
      [
        "kind",
        "severity",
        "message",
        "evidence",
        "dedupe_key",
        "inference_id",
        "model_id",
        "subject_at",
      ],
      range(
        (i) =>
          `revoked_runtime\twarning\tServed by a runtime later revoked (synthetic).\t{}\tbench:${i}\tinf_${hex(i, 32)}\t${s.modelIds[modelOf(i)]}\t${time(i)}\n`,
        200,
      ),
    );
    await client.query("COMMIT");
    s.loaded = hi;
    onProgress(hi);
  }
  await client.query("SET maintenance_work_mem = '512MB'");
  for (const sql of recreate) await client.query(sql);
  await client.query("ANALYZE");
}

/** A deterministic UUID per (kind, i), so rows can reference each other across chunks. */
function uuidOf(kind: number, i: number): string {
  const h = `${hex(kind, 4)}${hex(i, 28)}`;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A random existing inference index for lookups. */
export const randomIndex = (loaded: number) => Math.floor(Math.random() * loaded);
export { address, modelOf, modelName };
