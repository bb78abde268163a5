import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSourceConfig } from "@/lib/chain/source-config";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { startFloodChain, type FloodChain } from "../helpers/flood-chain";
import { exited } from "../helpers/indexer-cli";

const ROOT = path.resolve(import.meta.dirname, "../..");
let chain: FloodChain;
let db: TestDatabase;
let dir: string;
let configFile: string;

/** The indexer CLI with stdout and stderr piped (not a terminal), at LOG_LEVEL=info. */
async function runIndexerPiped(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/indexer.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "info", PROVENANCE_PROCESS: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const code = await exited(child);
  return { code, lines: output.split("\n").filter((line) => line !== "") };
}

beforeAll(async () => {
  chain = await startFloodChain();
  for (let b = 0; b < 5; b++) {
    await chain.send(3, `log-${b}`);
    await chain.mine();
  }
  db = await createTestDatabase();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "log-format-"));
  configFile = path.join(dir, "sources.json");
  await writeSourceConfig(configFile, chain.sources);
}, 120_000);

afterAll(async () => {
  await chain?.stop();
  await db?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe("logs off a terminal", () => {
  it("the indexer writes only JSON lines, each naming its process, when its output is piped", async () => {
    const run = await runIndexerPiped(["--until-head", "--config", configFile]);
    expect(run.code, run.lines.join("\n")).toBe(0);
    const entries = run.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.every((e) => e.process === "indexer")).toBe(true);
    expect(entries.map((e) => e.msg)).toContain("Indexer done");
  }, 120_000);

  it("the indexer's failure is a JSON line too, not a human sentence beside it", async () => {
    const run = await runIndexerPiped(["--until-head", "--config", path.join(dir, "missing.json")]);
    expect(run.code).toBe(1);
    expect(run.lines.length).toBeGreaterThan(0);
    const entries = run.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.every((e) => e.process === "indexer")).toBe(true);
    expect(entries.some((e) => e.level === 60)).toBe(true);
  }, 60_000);
});
