import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { measureLcp } from "./lib/lcp";
import { explainAll, recordQueries } from "./lib/plan-check";
import {
  createSynthetic,
  hashOf,
  HOT_MODEL,
  INCIDENT,
  loadSynthetic,
  randomIndex,
  SPAN_DAYS,
} from "./lib/synthetic";
import { compareBlastRadius, createIncident, plantedBlastRadius } from "./lib/synthetic-incident";

const HELP = `npm run bench:queries [-- --sizes 1000000,5000000] [--runs 100] [--blast-runs 20] [--no-lcp]

Loads synthetic provenance data with COPY into a fresh embedded PostgreSQL (or DATABASE_URL's
server, into a new database), growing it to each size in turn, and at each size runs the
read API's own verbs --runs times, printing p50/p95/max: the model timeline for 24 h and for
30 days, inference lookup by output hash (the whole provenance card), the paged inference
list (first page and a deep page), and search. Once the planted incident's window is loaded
(2% of the largest size: 100,000 inferences at 5M, with 20,000 three-level chains of agent
actions), it also computes and stores the incident's blast radius --blast-runs times, and
fails unless its counts are the ones planted. It EXPLAINs every statement those verbs send
and fails if one scans a big table sequentially. At the first size it also measures the
model timeline page's largest contentful paint in Chromium. Targets at the largest size:
timeline p95 < 150 ms, lookups p95 < 5 ms, list page p95 < 50 ms, blast radius p95 < 1 s;
LCP < 1.5 s at 1M rows. Exits 1 when a target is missed.`;

const TARGETS: Record<string, number> = {
  "timeline 24 h": 150,
  "timeline 30 days": 150,
  "lookup by output hash": 5,
  "search by output hash": 5,
  "list page (first)": 50,
  "list page (deep)": 50,
};
const BLAST_TARGET_MS = 1000;
/**
 * Sequential scans the blast radius may make, with why: its joins are sized by the incident
 * (100,000 reached inferences, 60,000 actions), so hashing them against the whole table beats
 * one index probe per row (measured at 5M: index paths cost 120 ms and 60 ms more). Scans of
 * the tables that grow fastest (inference, payment_allocation) are not allowed.
 */
const BLAST_SEQ_SCANS: Record<string, string> = {
  agent_action_citation: "the walk's first step hashes the reached outputs against every citation",
  agent_action: "the reached actions are hashed against every action for their times",
};
const LCP_TARGET_MS = 1500;
const fmt = (n: number) => n.toLocaleString("en-US");

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string" },
      runs: { type: "string" },
      "blast-runs": { type: "string" },
      "no-lcp": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return console.log(HELP);
  const sizes = (values.sizes ?? "1000000,5000000").split(",").map(Number);
  const runs = Number(values.runs ?? 100);
  if (
    !sizes.every((n) => Number.isInteger(n) && n >= 1000) ||
    sizes.some((n, i) => i > 0 && n <= sizes[i - 1]!)
  ) {
    throw new Error("--sizes must be increasing whole numbers of at least 1,000");
  }
  if (!Number.isInteger(runs) || runs < 5)
    throw new Error("--runs must be a whole number of at least 5");
  // Each computation takes up to a second and stores a blast_radius row: fewer runs.
  const blastRuns = Number(values["blast-runs"] ?? 20);
  if (!Number.isInteger(blastRuns) || blastRuns < 5)
    throw new Error("--blast-runs must be a whole number of at least 5");

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "bench-queries-"));
  await fs.chmod(dir, 0o755);
  const stops: (() => Promise<void>)[] = [];
  let failed = false;
  try {
    const url = await freshDatabase(dir, stops);
    await applyMigrations(url);
    // The read verbs reach the database through lib/db/client, which reads DATABASE_URL.
    process.env.DATABASE_URL = url;
    stops.push(async () => (await import("@/lib/db/client")).closeDb());
    const verbs = {
      timeline: (await import("@/lib/db/timeline")).getModelTimeline,
      output: (await import("@/lib/db/inferences")).getOutputOrThrow,
      list: (await import("@/lib/db/inferences")).listInferences,
      search: (await import("@/lib/db/search")).searchEvidence,
      blast: (await import("@/lib/db/blast-radius")).computeBlastRadius,
    };
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    stops.push(() => client.end());
    const total = sizes.at(-1)!;
    const synthetic = await createSynthetic(client, total);
    const incident = await createIncident(client, synthetic);
    let blastPlanShown = false;
    const end = synthetic.end.getTime();
    for (const [n, size] of sizes.entries()) {
      const began = Date.now();
      await loadSynthetic(client, synthetic, size, (done) =>
        process.stdout.write(`\rloading: ${fmt(done)} of ${fmt(size)} inferences`),
      );
      const loadSeconds = (Date.now() - began) / 1000;
      const { rows } = await client.query<{ n: string; bytes: string }>(
        "SELECT (SELECT count(*) FROM inference)::text AS n, pg_size_pretty(pg_database_size(current_database())) AS bytes",
      );
      console.log(
        `\n\n== ${fmt(Number(rows[0]!.n))} inferences (${rows[0]!.bytes} on disk; loaded in ${loadSeconds.toFixed(0)} s) ==`,
      );
      // Synthetic inference i happens at a time proportional to i over `total`.
      const newest = end - SPAN_DAYS * 86_400_000 + (size / total) * SPAN_DAYS * 86_400_000;
      const listQuery = { model: HOT_MODEL, limit: 50 } as const;
      const cases: Record<string, () => Promise<unknown>> = {
        "timeline 24 h": () => {
          const to = newest - Math.random() * 20 * 86_400_000;
          return verbs.timeline(HOT_MODEL, { from: new Date(to - 86_400_000), to: new Date(to) });
        },
        "timeline 6 h (rows)": () => {
          const to = newest - Math.random() * 20 * 86_400_000;
          return verbs.timeline(HOT_MODEL, {
            from: new Date(to - 6 * 3_600_000),
            to: new Date(to),
            bucket: "15m",
          });
        },
        "timeline 30 days": () => {
          const to = newest - Math.random() * 5 * 86_400_000;
          return verbs.timeline(HOT_MODEL, {
            from: new Date(to - 30 * 86_400_000),
            to: new Date(to),
          });
        },
        "lookup by output hash": () => verbs.output(hashOf(2, randomIndex(size))),
        "search by output hash": () => verbs.search(hashOf(2, randomIndex(size))),
        "list page (first)": () => verbs.list(listQuery),
        "list page (deep)": () =>
          verbs.list({
            ...listQuery,
            cursor: { at: new Date(newest - Math.random() * 60 * 86_400_000), id: "inf_~" },
          }),
      };
      const measured = Object.entries(cases).map(([name, run]) => ({
        name,
        run,
        runs,
        target: TARGETS[name],
      }));
      // The incident's blast radius, once its window and stale records are all loaded.
      let blast: { name: string; run: () => Promise<unknown> } | undefined;
      if (size >= INCIDENT.staleTo * total) {
        const planted = plantedBlastRadius(synthetic, incident);
        const run = () => verbs.blast(incident.id);
        const { summary } = await run(); // warms the cache and the plan, and is checked
        const byDepth = Object.entries(summary.actionsByDepth)
          .map(([depth, count]) => `${fmt(count)} at depth ${depth}`)
          .join(", ");
        console.log(
          `blast radius of the planted incident: ${fmt(summary.affected)} affected, ${fmt(summary.stale)} stale, ${fmt(summary.settlements)} settlements, ${fmt(summary.payments)} payments, ${fmt(summary.actions)} agent actions (${byDepth || "none"})`,
        );
        const wrong = compareBlastRadius(summary, planted);
        if (wrong.length > 0) {
          throw new Error(`the blast radius is not the one planted:\n  ${wrong.join("\n  ")}`);
        }
        console.log("  as planted (counts, token totals, depths and hourly series)");
        const name = `blast radius (${fmt(Math.round(summary.affected / 1000))}k inferences, ${planted.maxDepth}-level chains)`;
        blast = { name, run };
        measured.push({ name, run, runs: blastRuns, target: BLAST_TARGET_MS });
      } else {
        console.log(
          `blast radius: not measured yet (the incident's window is loaded from ${fmt(Math.ceil(INCIDENT.staleTo * total))} inferences)`,
        );
      }
      const final = n === sizes.length - 1;
      const width = Math.max(24, ...measured.map((m) => m.name.length + 2));
      console.log(
        `${"query".padEnd(width)}${"p50".padStart(10)}${"p95".padStart(10)}${"max".padStart(10)}   target (p95, at ${fmt(total)})`,
      );
      for (const { name, run, runs: count, target } of measured) {
        if (name !== blast?.name) await run(); // warm the cache and the plan
        const times: number[] = [];
        for (let i = 0; i < count; i++) {
          const t0 = performance.now();
          await run();
          times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        const p95 = percentile(times, 95);
        const verdict = final && target ? (p95 < target ? "ok" : "MISSED") : "";
        if (final && target && p95 >= target) failed = true;
        const ms = (t: number) => `${t.toFixed(1)} ms`.padStart(10);
        console.log(
          `${name.padEnd(width)}${ms(percentile(times, 50))}${ms(p95)}${ms(times.at(-1)!)}   ${target ? `< ${fmt(target)} ms ${verdict}` : "(no target)"}`,
        );
      }
      // Every statement the verbs send, explained: a sequential scan of a big table fails.
      const recorded = await recordQueries(async () => {
        for (const run of Object.values(cases)) await run();
      });
      let scans = await explainAll(client, recorded, n === 0);
      if (blast) {
        // Its plan is printed the first time it runs (the first default size lacks its window).
        const own = await recordQueries(async () => void (await blast.run()));
        recorded.push(...own);
        scans.push(...(await explainAll(client, own, !blastPlanShown)));
        blastPlanShown = true;
      }
      const allowed = scans.filter(
        (s) => BLAST_SEQ_SCANS[s.table] && /INSERT INTO blast_radius/.test(s.sql),
      );
      scans = scans.filter((s) => !allowed.includes(s));
      if (scans.length > 0) {
        failed = true;
        console.log(`\nSEQUENTIAL SCANS on big tables (${scans.length}):`);
        for (const s of scans)
          console.log(`  ${s.table}: ${s.sql.replace(/\s+/g, " ").slice(0, 160)}…`);
      } else {
        console.log(
          `plans: ${recorded.length} statements explained, no sequential scan of a big table`,
        );
      }
      for (const s of allowed)
        console.log(`  allowed: blast radius scans ${s.table} (${BLAST_SEQ_SCANS[s.table]})`);
      if (n === 0 && !values["no-lcp"]) {
        const lcp = await measureLcp({ databaseUrl: url, model: HOT_MODEL, loads: 7 });
        const ok = lcp.p50 < LCP_TARGET_MS;
        if (!ok) failed = true;
        console.log(
          `\nmodel timeline page, largest contentful paint in Chromium (${lcp.loads} loads, ${fmt(size)} inferences): p50 ${fmt(Math.round(lcp.p50))} ms, worst ${fmt(Math.round(lcp.max))} ms; target < ${fmt(LCP_TARGET_MS)} ms ${ok ? "ok" : "MISSED"}`,
        );
      }
    }
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await fs.rm(dir, { recursive: true, force: true });
  }
  console.log(
    failed ? "\nbench:queries: a target was missed" : "\nbench:queries: every target met",
  );
  process.exitCode = failed ? 1 : 0;
}

/** A new database on DATABASE_URL's server, or an embedded PostgreSQL in `dir`. */
async function freshDatabase(dir: string, stops: (() => Promise<void>)[]): Promise<string> {
  const name = `bench_queries_${process.pid}`;
  let admin = process.env.DATABASE_URL;
  if (!admin) {
    const db = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg") });
    stops.push(() => db.stop());
    admin = db.url;
  }
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  stops.push(async () => {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

main().catch((error: unknown) => {
  console.error(`bench:queries failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
