import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyMigrations } from "@/lib/db/migrate";
import { findFreePort } from "@/lib/net";
import { browserAvailable, launchBrowser } from "../helpers/browser";
import { withDatabase } from "../helpers/db-url";
import { exited, spawnIndexer } from "../helpers/indexer-cli";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";

// An operator's bad day, as the dashboard shows it: a dashboard and an indexer of their own
// (their own database in the shared cluster, the shared anvil chains), each reaching its
// dependencies through a proxy this test can cut. The home page must turn red, with the
// reason, when an RPC stops answering and when the indexer dies; pages and the API answer
// 503 while the database is unreachable, and recover when it is back.

const ms = (since: number) => `${Math.round(performance.now() - since)} ms`;

async function until<T>(what: string, probe: () => Promise<T | null | false>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

describe.skipIf(!browserAvailable())("health, as an operator sees it", () => {
  const shared = new URL(inject("databaseUrl"));
  const dbName = `health_${crypto.randomBytes(4).toString("hex")}`;
  const directUrl = withDatabase(shared.toString(), dbName);
  let workDir = "";
  let dbProxy: TcpProxy;
  const rpcProxies = new Map<number, TcpProxy>();
  let server: ChildProcess;
  let indexer: ReturnType<typeof spawnIndexer>;
  let appUrl = "";
  let output = "";
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: shared.toString() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    await applyMigrations(directUrl);
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), "provenance-health-"));

    // The shared chains, each behind a proxy.
    const raw = JSON.parse(
      await fs.readFile(path.join(inject("dataDir"), "devnet", "sources.json"), "utf8"),
    ) as { sources: { chainId: number; rpcUrl: string }[] } | { chainId: number; rpcUrl: string }[];
    const rows = Array.isArray(raw) ? raw : raw.sources;
    for (const row of rows) {
      const target = new URL(row.rpcUrl);
      if (!rpcProxies.has(row.chainId))
        rpcProxies.set(row.chainId, await startTcpProxy(target.hostname, Number(target.port)));
      row.rpcUrl = `http://127.0.0.1:${rpcProxies.get(row.chainId)!.port}`;
    }
    const sourcesFile = path.join(workDir, "sources.json");
    await fs.writeFile(sourcesFile, JSON.stringify(raw));

    dbProxy = await startTcpProxy(shared.hostname, Number(shared.port));
    const viaProxy = new URL(directUrl);
    viaProxy.port = String(dbProxy.port);
    const port = await findFreePort();
    appUrl = `http://localhost:${port}`;
    server = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "serve.ts")], {
      env: {
        ...process.env,
        DATABASE_URL: viaProxy.toString(),
        DATA_DIR: workDir,
        SOURCES_FILE: sourcesFile,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    server.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    indexer = spawnIndexer(["--config", sourcesFile, "--no-link"], directUrl);
    await until(
      "the dashboard",
      () => fetch(`${appUrl}/api/health`).then((r) => r.ok),
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });
    browser = await launchBrowser();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    for (const child of [server, indexer]) {
      if (child && child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited(child);
      }
    }
    await dbProxy?.close();
    for (const proxy of rpcProxies.values()) await proxy.close();
    const admin = new pg.Client({ connectionString: shared.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    if (workDir) await fs.rm(workDir, { recursive: true, force: true });
  });

  const ready = async () => {
    const answer = await fetch(`${appUrl}/api/ready`);
    return { status: answer.status, body: (await answer.json()) as { reasons: string[] } };
  };

  it("is ready once the indexer follows every chain", async () => {
    await until("readiness", async () => (await ready()).status === 200, 120_000).catch(
      async (error: Error) => {
        throw new Error(
          `${error.message}: ${JSON.stringify((await ready()).body)}\n${indexer.output()}`,
        );
      },
    );
    await page.goto(appUrl);
    await page.getByRole("heading", { name: "System overview" }).waitFor();
    expect(await page.locator("[data-chain-health]").count()).toBe(0);
  });

  it("shows an unreachable RPC in red, with the error, for that chain only", async () => {
    const [deadChain, proxy] = [...rpcProxies][rpcProxies.size - 1]!;
    await proxy.cut();
    const cutAt = performance.now();
    const alert = page.locator('[data-chain-health="rpc_unreachable"]');
    await alert.waitFor({ timeout: 30_000 });
    console.log(`RPC unreachable shown on the home page after ${ms(cutAt)}`);
    const text = await alert.innerText();
    expect(text).toContain(`(${deadChain})`);
    expect(text).toMatch(/does not answer/);
    expect(await page.locator("[data-chain-health]").count()).toBe(1);
    const { status, body } = await ready();
    expect(status).toBe(503);
    expect(body.reasons.join(" ")).toContain(`chain ${deadChain}`);
    await proxy.restore();
    await alert.waitFor({ state: "detached", timeout: 30_000 });
  });

  it("shows a killed indexer as not running, in red", async () => {
    indexer.kill("SIGKILL");
    await exited(indexer);
    const killedAt = performance.now();
    const alert = page.locator('[data-chain-health="indexer_down"]').first();
    await alert.waitFor({ timeout: 30_000 });
    console.log(`A killed indexer shown on the home page after ${ms(killedAt)}`);
    expect(await alert.innerText()).toMatch(/indexer not running.*last heartbeat was \d+ s ago/s);
    await expect(page.getByText("indexer not running").first()).toBeTruthy();
    const { status, body } = await ready();
    expect(status).toBe(503);
    expect(body.reasons.join(" ")).toMatch(/The indexer is not running/);
    await fs.mkdir("test-results", { recursive: true });
    await page.screenshot({ path: "test-results/health-indexer-down.png", fullPage: true });
  });

  it("answers 503 with the reason on pages and the API while the database is unreachable", async () => {
    await dbProxy.cut();
    const home = await until("a 503 home page", async () => {
      const answer = await fetch(appUrl);
      return answer.status === 503 ? answer : null;
    });
    expect(home.headers.get("retry-after")).toBe("5");
    expect(await home.text()).toContain("The evidence database is unreachable");
    const list = await fetch(`${appUrl}/models`);
    expect(list.status).toBe(503);
    const api = await fetch(`${appUrl}/api/v1/models`);
    expect(api.status).toBe(503);
    expect(((await api.json()) as { error: string }).error).toBe("database_unavailable");
    const live = await fetch(`${appUrl}/api/health`);
    expect(live.status).toBe(503);
    expect(((await live.json()) as { reason: string }).reason).toMatch(/database is unreachable/);
    await dbProxy.restore();
    await until("the home page again", async () => (await fetch(appUrl)).status === 200);
    expect((await fetch(`${appUrl}/api/v1/models`)).status).toBe(200);
  });
});
