import path from "node:path";
import { parseArgs } from "node:util";
import { loadSourceFile } from "@/lib/chain/source-config";
import { lockDataDir } from "@/lib/data-dir-lock";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { dataDir, getEnv, rpcPlaceholders, sourcesFile } from "@/lib/env";
import { createIndexerPool, runIndexer } from "@/lib/indexer";
import { syncConfigAgents } from "@/lib/indexer/known-agents";
import { createProgressReporter } from "@/lib/indexer/progress";
import { log, prettyOutput } from "@/lib/log";

const HELP = `npm run indexer [-- --until-head] [--config FILE] [options]

Indexes the configured sources into PostgreSQL: history first, then new heads for ever
(or, with --until-head, to each chain's current head, then links and exits 0).

  --until-head           index to the current heads, run the linker, exit
  --config FILE          source configuration (default SOURCES_FILE, else the devnet's
                         DATA_DIR/devnet/sources.json, else config/sources.opengradient.json)
  --concurrency N        block ranges fetched ahead of the writer per chain (default 4)
  --max-range N          largest eth_getLogs block span (default 10000; adapts below it)
  --finality-depth N     blocks after which a block is final, for every chain
                         (default 32 on 10740, 64 elsewhere)
  --poll-ms N            how often to look for new heads when following (default 1000)
  --no-link              skip batch expansion and the linker

DATABASE_URL selects the database; without it the embedded PostgreSQL under DATA_DIR is
started (refused while \`npm start\`, which runs the indexer itself, holds DATA_DIR).
On a terminal a progress bar shows blocks, events/s and ETA; otherwise logs are JSON lines.
Following, each chain runs on its own: one that fails is retried, one that stops for good
(a reorg deeper than finality, the wrong chain id) leaves the others running.
Exit codes: 0 done (or stopped with Ctrl-C), 1 failed, or every chain stopped (the message
says why).`;

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`--${name} must be a whole number of at least 1 (got ${value})`);
  return n;
}

async function database(stops: (() => Promise<void>)[]): Promise<string> {
  const env = getEnv();
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const unlock = await lockDataDir(dataDir(env)).catch((error: Error) => {
    throw new Error(
      `${error.message} If that is \`npm start\`, it already runs the indexer (see /api/v1/status); set DATABASE_URL to index into another database.`,
    );
  });
  stops.push(unlock);
  const db = await startEmbeddedPostgres({ dataDir: path.join(dataDir(env), "pg") });
  stops.push(() => db.stop());
  await applyMigrations(db.url);
  return db.url;
}

/** `npm run indexer`: the indexer as its own process. */
async function main() {
  const { values } = parseArgs({
    options: {
      "until-head": { type: "boolean" },
      config: { type: "string" },
      concurrency: { type: "string" },
      "max-range": { type: "string" },
      "finality-depth": { type: "string" },
      "poll-ms": { type: "string" },
      "no-link": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return console.log(HELP);
  const env = getEnv();
  const file = values.config ? path.resolve(values.config) : sourcesFile(env);
  const { sources: config, agents } = await loadSourceFile(file, { env: rpcPlaceholders(env) });
  // Every option is checked before anything starts.
  const maxRange = positiveInt("max-range", values["max-range"]);
  const concurrency = positiveInt("concurrency", values.concurrency);
  const finalityDepth = positiveInt("finality-depth", values["finality-depth"]);
  const pollIntervalMs = positiveInt("poll-ms", values["poll-ms"]);
  const stops: (() => Promise<void>)[] = [];
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    // A connection per chain (a sync holds one while it runs), the linker, the heartbeat.
    const chains = new Set(config.map((s) => s.chainId)).size;
    const pool = createIndexerPool(await database(stops), Math.max(4, chains + 3));
    stops.push(() => pool.end());
    await syncConfigAgents(pool, agents);
    const progress = createProgressReporter({ tty: Boolean(process.stderr.isTTY) });
    log.info(
      {
        config: file,
        sources: config.length,
        mode: values["until-head"] ? "until-head" : "follow",
      },
      "Indexer starting",
    );
    const summary = await runIndexer({
      pool,
      config,
      mode: values["until-head"] ? "until-head" : "follow",
      concurrency,
      maxRange: maxRange === undefined ? undefined : BigInt(maxRange),
      finalityDepth,
      pollIntervalMs,
      link: !values["no-link"],
      onProgress: progress.update,
      signal: controller.signal,
    });
    log.info(
      { events: summary.events, chains: summary.chains, sources: summary.sources },
      "Indexer done",
    );
  } finally {
    while (stops.length) await stops.pop()!().catch(() => {});
  }
}

main().catch((error: unknown) => {
  log.fatal({ error: (error as Error).message, kind: (error as Error).name }, "Indexer stopped");
  if (prettyOutput) console.error(`indexer failed: ${(error as Error).message}`);
  process.exit(1);
});
