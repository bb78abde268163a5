import crypto from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { agentActionTypedData, type AgentActionMessage } from "@/lib/evidence/agent-action";
import { parseEnv } from "@/lib/env";
import { findFreePort } from "@/lib/net";
import { startStack } from "./lib/stack";

const HELP = `npm run bench:abuse [-- --requests 60] [--attackers 4] [--page /models]

Starts the whole product as \`npm start\` runs it (production build, embedded PostgreSQL,
devnet, indexer, a short story) in a temporary data directory, then measures GET
/api/health and GET <page> (p50/p95 over --requests sequential requests each):
  1. idle;
  2. while --attackers clients (distinct X-Forwarded-For, TRUST_PROXY=true) keep a
     500-statement agent-action batch in flight each, every signature bad (signed by a
     throwaway key, not the agent): the attack of issue 15;
  3. the same, but each batch's first 499 signatures are good and only the last is bad:
     the most work a batch can cost now that a batch stops at its first bad signature.
Prints the figures and the attackers' answers by status (401, 429, 503), and checks under
attack: health p95 <= max(50 ms, 5 x idle p95) and page p95 <= max(250 ms, 5 x idle p95).
Exits 1 when a limit is missed. Before this change (issue 15): health median 6.5 s.`;

const BATCH = 500;
const CHAIN_ID = 8453;

interface Figures {
  p50: number;
  p95: number;
  max: number;
}

async function main() {
  const { values } = parseArgs({
    options: {
      requests: { type: "string" },
      attackers: { type: "string" },
      page: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return console.log(HELP);
  const requests = Number(values.requests ?? 60);
  const attackers = Number(values.attackers ?? 4);
  const page = values.page ?? "/models";
  if (!Number.isInteger(requests) || requests < 10) throw new Error("--requests must be >= 10");
  if (!Number.isInteger(attackers) || attackers < 1) throw new Error("--attackers must be >= 1");

  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "bench-abuse-"));
  // Embedded PostgreSQL may run as its own user (when we are root): it must reach its dir.
  await fs.chmod(tmp, 0o755);
  const port = await findFreePort();
  const env = parseEnv({
    ...process.env,
    DATA_DIR: tmp,
    PORT: String(port),
    SOURCES_FILE: "",
    TRUST_PROXY: "true",
    STORY_REQUESTS: "20",
  });
  console.log(`bench:abuse: starting the stack in ${tmp}`);
  const stack = await startStack({
    env,
    dataDir: tmp,
    port,
    mode: "start",
    say: (line) => console.log(`  ${line}`),
  });
  let failed = false;
  try {
    const targets = { health: `${stack.appUrl}/api/health`, page: `${stack.appUrl}${page}` };
    await measure(targets.page, 5); // warm the page once before timing it
    const idle = {
      health: await measure(targets.health, requests),
      page: await measure(targets.page, requests),
    };
    report("idle", idle);
    const limits = {
      health: Math.max(50, 5 * idle.health.p95),
      page: Math.max(250, 5 * idle.page.p95),
    };
    console.log("building the hostile batches (signing 2 x 500 statements)");
    const batches = { allBad: await hostileBatch(0), lastBad: await hostileBatch(BATCH - 1) };
    for (const [phase, name, body] of [
      [1, "every signature bad", batches.allBad],
      [2, "499 good, last bad", batches.lastBad],
    ] as const) {
      // Fresh addresses per phase: each phase starts with whole budgets.
      const addresses = Array.from({ length: attackers }, (_, i) => `203.0.${phase}.${i + 1}`);
      const attack = startAttack(`${stack.appUrl}/api/v1/agent-actions`, body, addresses);
      await new Promise((r) => setTimeout(r, 1000)); // let the batches arrive first
      const under = {
        health: await measure(targets.health, requests),
        page: await measure(targets.page, requests),
      };
      const answers = await attack.stop();
      report(`under attack (${attackers} x ${BATCH}-item batches, ${name})`, under);
      console.log(`  attackers' answers: ${formatCounts(answers.counts)}`);
      for (const [status, message] of Object.entries(answers.firstMessages)) {
        console.log(`    first ${status}: ${message}`);
      }
      for (const key of ["health", "page"] as const) {
        const ok = under[key].p95 <= limits[key];
        failed ||= !ok;
        console.log(
          `  ${key} p95 ${under[key].p95.toFixed(1)} ms <= limit ${limits[key].toFixed(1)} ms: ${ok ? "PASS" : "FAIL"}`,
        );
      }
    }
    console.log("before this change (issue 15): /api/health median 6,500 ms under 4 such batches");
  } finally {
    await stack.stop();
    await fs.rm(tmp, { recursive: true, force: true });
  }
  if (failed) process.exit(1);
}

/** Sequential GETs; latency of each in ms, summarised. */
async function measure(url: string, count: number): Promise<Figures> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status >= 400) throw new Error(`GET ${url} answered ${res.status}`);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  return { p50: at(0.5), p95: at(0.95), max: times.at(-1)! };
}

function report(title: string, figures: { health: Figures; page: Figures }) {
  console.log(title);
  for (const [name, f] of Object.entries(figures)) {
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    console.log(`  ${name.padEnd(6)} p50 ${ms(f.p50)}  p95 ${ms(f.p95)}  max ${ms(f.max)}`);
  }
}

/**
 * 500 statements by one agent, signed by its key except from `badFrom` on, where a
 * throwaway key signs: a wrong signature costs a full recovery, like a right one.
 */
async function hostileBatch(badFrom: number): Promise<string> {
  const agent = privateKeyToAccount(generatePrivateKey());
  const stranger = privateKeyToAccount(generatePrivateKey());
  const actions = [];
  for (let i = 0; i < BATCH; i++) {
    const message: AgentActionMessage = {
      agent: agent.address,
      kind: "other",
      summary: `Hostile statement ${i}`,
      citedOutputs: [`0x${crypto.randomBytes(32).toString("hex")}` as Hex],
      citedActions: [],
      txHash: `0x${"0".repeat(64)}`,
      occurredAt: 1_763_900_000n + BigInt(i),
    };
    const signer = i >= badFrom ? stranger : agent;
    const signature = await signer.signTypedData(agentActionTypedData(CHAIN_ID, message));
    actions.push({
      chainId: CHAIN_ID,
      action: { ...message, occurredAt: message.occurredAt.toString() },
      signature,
    });
  }
  return JSON.stringify({ actions });
}

/**
 * The attackers' loop, in a worker thread of its own: on the measuring thread, their
 * responses would delay the timed requests and inflate the figures.
 */
const ATTACK_LOOP = `
const { parentPort, workerData } = require("node:worker_threads");
const { url, body, addresses } = workerData;
const counts = {};
const firstMessages = {};
let running = true;
parentPort.on("message", () => { running = false; });
Promise.all(addresses.map(async (address) => {
  const headers = { "content-type": "application/json", "x-forwarded-for": address };
  while (running) {
    const status = await fetch(url, { method: "POST", headers, body }).then(
      async (res) => {
        const text = await res.text();
        if (!(res.status in firstMessages)) firstMessages[res.status] = JSON.parse(text).message;
        return String(res.status);
      },
      (error) => "error (" + error.message + ")",
    );
    counts[status] = (counts[status] ?? 0) + 1;
  }
})).then(() => parentPort.postMessage({ counts, firstMessages }));
`;

/** One client per address, each posting `body` again as soon as the last answer came. */
function startAttack(url: string, body: string, addresses: string[]) {
  const worker = new Worker(ATTACK_LOOP, { eval: true, workerData: { url, body, addresses } });
  type Answers = { counts: Record<string, number>; firstMessages: Record<string, string> };
  const done = new Promise<Answers>((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });
  return {
    async stop() {
      worker.postMessage("stop");
      const answers = await done;
      await worker.terminate();
      return answers;
    },
  };
}

function formatCounts(counts: Record<string, number>): string {
  return (
    Object.entries(counts)
      .map(([status, n]) => `${n} x ${status}`)
      .join(", ") || "none"
  );
}

main().catch((error: unknown) => {
  console.error(`bench:abuse failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
