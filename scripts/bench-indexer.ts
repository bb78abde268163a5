import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createRangeSizer, getBlockNumber, getLogsSplitting } from "@/lib/chain/get-logs";
import { createJsonRpcClient } from "@/lib/chain/json-rpc";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { startFloodChain } from "@/lib/devnet/flood";
import { ensureSources } from "@/lib/indexer/checkpoint";
import { createIndexerPool, runIndexer } from "@/lib/indexer";
import { fetchRange } from "@/lib/indexer/sync/fetch-range";
import { copyRows, SETTLEMENT_TABLE } from "@/lib/indexer/write";

const HELP = `npm run bench:indexer [-- --events N] [--per-tx N] [--concurrency N]

Emits N IndividualSettlement events on a fresh anvil (default 200,000, 500 per transaction),
indexes them from scratch into a fresh embedded PostgreSQL, and prints in one run:
end-to-end events/s, the raw eth_getLogs rate of the same range (the RPC limit), the raw COPY
rate of the same rows into the same table (the database limit), their ratio (target >= 0.7)
and the peak RSS of the process (target < 512 MB). Exits 1 when a target is missed.`;

const RATIO_TARGET = 0.7;
const RSS_LIMIT_MB = 512;

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  const { values } = parseArgs({
    options: {
      events: { type: "string" },
      "per-tx": { type: "string" },
      concurrency: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return console.log(HELP);
  const total = Number(values.events ?? 200_000);
  const perTx = Number(values["per-tx"] ?? 500);
  const concurrency = Number(values.concurrency ?? 4);
  if (![total, perTx, concurrency].every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error("--events, --per-tx and --concurrency must be positive whole numbers");
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "bench-indexer-"));
  // Note: as root, the embedded Postgres runs as the postgres user, which must reach the dir.
  await fs.chmod(dir, 0o755);
  const stops: (() => Promise<void>)[] = [];
  try {
    const chain = await startFloodChain();
    stops.push(() => chain.stop());
    const emitStart = Date.now();
    let sent = 0;
    while (sent < total) {
      // Five transactions a block keeps each block under anvil's 30M gas limit.
      for (let t = 0; t < 5 && sent < total; t++) {
        const count = Math.min(perTx, total - sent);
        await chain.send(count, `bench-${sent}`);
        sent += count;
      }
      await chain.mine();
    }
    const rpc = createJsonRpcClient(chain.rpcUrl);
    const head = await getBlockNumber(rpc);
    console.log(
      `emitted ${fmt(total)} events in ${fmt(Number(head))} blocks in ${seconds(Date.now() - emitStart)}; ` +
        `${os.cpus().length} CPUs, Node ${process.version}`,
    );

    const db = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg") });
    stops.push(() => db.stop());
    await applyMigrations(db.url);
    const pool = createIndexerPool(db.url);
    stops.push(() => pool.end());

    // 1. End to end: the indexer as it runs (fetch, header checks, decode, COPY, checkpoint).
    const rssBefore = process.memoryUsage().rss;
    let e2eEvents = 0;
    const e2eStart = performance.now();
    await runIndexer({
      pool,
      config: chain.sources,
      mode: "until-head",
      link: false,
      concurrency,
      finalityDepth: 12,
      onProgress: (p) => (e2eEvents = p.events),
    });
    const e2eMs = performance.now() - e2eStart;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const written = Number((await pool.query("SELECT count(*) AS n FROM settlement")).rows[0].n);
    if (written !== total || e2eEvents !== total) {
      throw new Error(`indexed ${written} rows (${e2eEvents} events) but emitted ${total}`);
    }

    // 2. The RPC limit: the same range with the same range sizing and concurrency, no decoding.
    const addresses = [chain.address.toLowerCase() as `0x${string}`];
    const fetchStart = performance.now();
    const fetched = await fetchAll(
      head,
      concurrency,
      async (from, to, sizer) =>
        (await getLogsSplitting(rpc, { addresses, fromBlock: from, toBlock: to }, sizer)).length,
    );
    const fetchMs = performance.now() - fetchStart;

    // 3. The database limit: the same rows COPYed straight into the same table (decoded first,
    //    untimed), one transaction per range as the indexer commits.
    await pool.query("TRUNCATE settlement CASCADE");
    const [source] = await ensureSources(pool, chain.sources, () => 12);
    let copyMs = 0;
    const client = await pool.connect();
    try {
      await fetchAll(head, 1, async (from, to, sizer) => {
        const range = await fetchRange({
          rpc,
          sources: [source!],
          chainSources: [source!],
          from,
          to,
          unfinalizedFrom: head + 1n,
          sizer,
        });
        const started = performance.now();
        await client.query("BEGIN");
        await copyRows(client, SETTLEMENT_TABLE, range.batch.settlements);
        await client.query("COMMIT");
        copyMs += performance.now() - started;
        return range.batch.settlements.length;
      });
    } finally {
      client.release();
    }

    const e2eRate = total / (e2eMs / 1000);
    const fetchRate = fetched / (fetchMs / 1000);
    const copyRate = total / (copyMs / 1000);
    const ratio = e2eRate / Math.min(fetchRate, copyRate);
    const ratioOk = ratio >= RATIO_TARGET;
    const rssOk = peakRssMb < RSS_LIMIT_MB;
    const line = (label: string, value: string, note = "") =>
      console.log(`  ${label.padEnd(44)} ${value.padStart(16)}  ${note}`);
    console.log(
      `\nindexer benchmark: ${fmt(total)} settlement events, ${concurrency} ranges in flight`,
    );
    line(
      "end-to-end (fetch, check, decode, write)",
      `${fmt(e2eRate)} events/s`,
      `(${seconds(e2eMs)})`,
    );
    line(
      "raw eth_getLogs of the same range (RPC)",
      `${fmt(fetchRate)} events/s`,
      `(${seconds(fetchMs)})`,
    );
    line(
      "raw COPY of the same rows (database)",
      `${fmt(copyRate)} events/s`,
      `(${seconds(copyMs)})`,
    );
    line(
      "ratio end-to-end / min(limits)",
      ratio.toFixed(2),
      `target >= ${RATIO_TARGET}: ${ratioOk ? "PASS" : "FAIL"}`,
    );
    line(
      "peak RSS of this process",
      `${fmt(peakRssMb)} MB`,
      `target < ${RSS_LIMIT_MB} MB: ${rssOk ? "PASS" : "FAIL"} (${fmt(rssBefore / 2 ** 20)} MB before indexing)`,
    );
    if (!ratioOk || !rssOk) process.exitCode = 1;
  } finally {
    while (stops.length) await stops.pop()!().catch(() => {});
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Walks [0, head] in adaptive ranges with `limit` in flight; returns the sum of what `fn` counts. */
async function fetchAll(
  head: bigint,
  limit: number,
  fn: (from: bigint, to: bigint, sizer: ReturnType<typeof createRangeSizer>) => Promise<number>,
): Promise<number> {
  const sizer = createRangeSizer({ max: 10_000n, initial: 1n });
  let cursor = 0n;
  let sum = 0;
  const worker = async () => {
    while (cursor <= head) {
      const from = cursor;
      const to = from + sizer.span - 1n < head ? from + sizer.span - 1n : head;
      cursor = to + 1n;
      const n = await fn(from, to, sizer);
      sum += n;
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return sum;
}

main().catch((error: unknown) => {
  console.error(`bench:indexer failed: ${(error as Error).message}`);
  process.exit(1);
});
