import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs/promises";
import type http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyMigrations } from "@/lib/db/migrate";
import { OPERATOR } from "@/lib/devnet/scenario/story-actors";
import { findFreePort } from "@/lib/net";
import { signInOverHttp } from "../helpers/auth";
import { browserAvailable } from "../helpers/browser";
import { withDatabase } from "../helpers/db-url";
import { crawl, fetchAnswer, type Answer } from "../helpers/crawl";
import { runIndexerCli } from "../helpers/indexer-cli";
import { keyedProxy, keyedUrl, SECRETS, secretsIn } from "../helpers/keyed-rpc";
import { queryOnce, tablesMatching } from "../helpers/sql";
import { TEST_ADMIN } from "../helpers/test-wallets";

/** A row of a sources file; only these two fields are changed here. */
type SourceRow = { chainId: number; rpcUrl: string; [field: string]: unknown };

/** A source on a chain the devnet does not run, at a keyed URL on a port nobody listens on. */
const deadRow = (rpcUrl: string): SourceRow => ({
  chainId: 84532,
  rpcUrl,
  kind: "opg_token",
  address: "0x00000000000000000000000000000000000000d1",
  abiVersion: 1,
  fromBlock: 0,
  label: "Keyed URL on a dead port",
});

/** Every answer that held a secret, as "where: which secrets" (empty when clean). */
function leaks(answers: readonly { url: string; text: string }[]): string[] {
  return answers.flatMap((a) =>
    secretsIn(a.text).length ? [`${a.url}: ${secretsIn(a.text)}`] : [],
  );
}

describe.skipIf(!browserAvailable())("a dashboard configured with keyed RPC URLs", () => {
  const dataDir = inject("dataDir");
  const databaseUrl = inject("databaseUrl");
  const metricsToken = "no-secrets-metrics-token";
  const proxies: http.Server[] = [];
  const indexerDb = `no_secrets_${process.pid}`;
  const indexerDbUrl = withDatabase(databaseUrl, indexerDb);
  let indexerRuns: Promise<
    Record<"keyed" | "echo" | "dead", { code: number | string; output: string }>
  >;
  let server: ChildProcess;
  let appUrl = "";
  let output = "";
  let cookie = "";
  let ids: Record<"inference" | "output" | "model" | "incident" | "dispute", string | null>;

  /** Writes a sources file under DATA_DIR; answers its path. */
  async function sourcesFile(name: string, rows: SourceRow[]): Promise<string> {
    const file = path.join(dataDir, name);
    await fs.writeFile(file, JSON.stringify({ sources: rows }));
    return file;
  }

  beforeAll(async () => {
    // The stack's own source rows, each rpcUrl replaced by a keyed URL of a proxy to it.
    const raw = JSON.parse(
      await fs.readFile(path.join(dataDir, "devnet", "sources.json"), "utf8"),
    ) as SourceRow[] | { sources: SourceRow[] };
    const rows = Array.isArray(raw) ? raw : raw.sources;
    const keyedFor = new Map<string, string>();
    for (const row of rows) {
      if (!keyedFor.has(row.rpcUrl)) {
        const proxy = await keyedProxy(row.rpcUrl);
        proxies.push(proxy.server);
        keyedFor.set(row.rpcUrl, proxy.url);
      }
    }
    const keyedRows = rows.map((row) => ({ ...row, rpcUrl: keyedFor.get(row.rpcUrl)! }));
    const ogRow = rows.find((row) => row.chainId === 10740)!;
    const echo = await keyedProxy(ogRow.rpcUrl, { echo: true });
    proxies.push(echo.server);
    const dead = deadRow(keyedUrl(await findFreePort()));
    const files = {
      keyed: await sourcesFile("keyed-sources.json", keyedRows),
      echo: await sourcesFile("echo-sources.json", [{ ...ogRow, rpcUrl: echo.url }]),
      dead: await sourcesFile("dead-sources.json", [dead]),
      // The dashboard sees all three: a reachable chain, a dead one, and one whose errors echo.
      dashboard: await sourcesFile("dashboard-sources.json", [
        ...keyedRows,
        dead,
        { ...ogRow, chainId: 11155111, rpcUrl: echo.url },
      ]),
    };

    const port = await findFreePort();
    appUrl = `http://localhost:${port}`;
    server = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "serve.ts")], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        DATA_DIR: dataDir,
        SOURCES_FILE: files.dashboard,
        OG_RPC_URL: keyedUrl(1),
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "debug",
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        ADMIN_ADDRESSES: TEST_ADMIN,
        METRICS_TOKEN: metricsToken,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    server.stderr!.on("data", (d: Buffer) => (output += d.toString()));

    // The indexer, with the same URLs, into a database of its own (the stack's indexer
    // owns the shared one): in the background while the dashboard is crawled.
    await queryOnce(databaseUrl, `DROP DATABASE IF EXISTS ${indexerDb} WITH (FORCE)`);
    await queryOnce(databaseUrl, `CREATE DATABASE ${indexerDb}`);
    await applyMigrations(indexerDbUrl);
    indexerRuns = (async () => {
      const keyed = await runIndexerCli(["--until-head", "--config", files.keyed], indexerDbUrl);
      const echoed = await runIndexerCli(["--until-head", "--config", files.echo], indexerDbUrl);
      // It retries a refused connection for a minute: three retries are enough to read.
      const enough = (out: string) => out.split("Retrying RPC call").length > 3;
      const deadRun = await runIndexerCli(["--config", files.dead], indexerDbUrl, {
        enough,
        deadlineMs: 15_000,
      });
      return { keyed, echo: echoed, dead: deadRun };
    })();
    indexerRuns.catch(() => {});

    // Real ids to fill the addresses nothing links to (the story may still be linking).
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [row] = await queryOnce(
        databaseUrl,
        `SELECT (SELECT id FROM inference ORDER BY id LIMIT 1) AS inference,
                (SELECT output_hash FROM inference ORDER BY id LIMIT 1) AS output,
                (SELECT name FROM model ORDER BY name LIMIT 1) AS model,
                (SELECT id::text FROM incident ORDER BY id LIMIT 1) AS incident,
                (SELECT id::text FROM dispute ORDER BY id LIMIT 1) AS dispute`,
      );
      ids = row as typeof ids;
      if (ids.inference && ids.model) break;
      if (Date.now() > deadline) throw new Error("The story's inferences were not indexed.");
      await new Promise((r) => setTimeout(r, 500));
    }

    for (let i = 0; i < 300; i++) {
      // Any answer will do: the server listens once Next is ready, and the health of a
      // dashboard with a dead chain is not the question here.
      const up = await fetch(`${appUrl}/api/health`).then(
        () => true,
        () => false,
      );
      if (up) {
        cookie = await signInOverHttp(appUrl, OPERATOR);
        return;
      }
      if (server.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`The dashboard did not start:\n${output}`);
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      // Note: SIGTERM would wait for the keep-alive connections this process still holds.
      server.kill("SIGKILL");
      await new Promise((resolve) => server.once("exit", resolve));
    }
    await indexerRuns?.catch(() => {});
    for (const proxy of proxies) proxy.close();
    await queryOnce(databaseUrl, `DROP DATABASE IF EXISTS ${indexerDb} WITH (FORCE)`).catch(
      () => {},
    );
  });

  it("shows every chain by host only, the reachable ones and those that fail", async () => {
    const home = await (await fetch(appUrl)).text();
    expect(home).toMatch(/reachable/);
    expect(home).toMatch(/http:\/\/127\.0\.0\.1:\d+/);
    expect(secretsIn(home)).toEqual([]);
    // The dead port and the echoing provider: failing, by host only too.
    expect(home).toMatch(/Base Sepolia/);
    expect(home).toMatch(/unreachable/);
  });

  it("holds no secret in any page, nor in the scripts and styles they load", async () => {
    const routes = [
      "/",
      "/search",
      "/findings",
      "/disputes",
      "/incidents",
      "/incidents/new",
      "/models",
      "/agents",
      "/users",
      "/audit",
      "/share/unavailable",
      `/models/${encodeURIComponent(ids.model!)}`,
      // A bad parameter, a page that does not exist, an address no page can read.
      `/models/${encodeURIComponent(ids.model!)}?asOf=not-a-time`,
      `/inferences/${encodeURIComponent(ids.inference!)}`,
      `/o/${ids.output}`,
      ...(ids.incident ? [`/incidents/${ids.incident}`] : []),
      ...(ids.dispute ? [`/disputes/${ids.dispute}`] : []),
      "/inferences/inf_does_not_exist",
      "/no-such-page",
      "/models/%E0%A4%A",
    ].map((route) => new URL(route, appUrl).href);
    const anonymous = await crawl({ seeds: routes, perTemplate: 5 });
    const signedIn = await crawl({
      seeds: routes,
      headers: { cookie },
      skip: new Set(anonymous.assets.map((a) => a.url)),
      perTemplate: 1,
    });
    const pages = [...anonymous.pages, ...signedIn.pages];
    const assets = [...anonymous.assets, ...signedIn.assets];
    console.log(
      `no-secrets crawl: ${anonymous.pages.length} pages anonymous, ${signedIn.pages.length} signed in, ${assets.length} scripts and styles`,
    );
    expect(leaks([...pages, ...assets])).toEqual([]);
    expect(anonymous.pages.length).toBeGreaterThanOrEqual(40);
    expect(signedIn.pages.length).toBeGreaterThanOrEqual(20);
    expect(
      assets.filter((a) => a.status === 200 && a.url.endsWith(".js")).length,
    ).toBeGreaterThanOrEqual(10);
    expect(pages.some((p) => p.status === 404)).toBe(true);
    expect(pages.some((p) => p.status === 400)).toBe(true);
  });

  it("holds no secret in any API answer, whole or the first chunk of a stream", async () => {
    const doc = (await (await fetch(`${appUrl}/api/v1/openapi.json`)).json()) as {
      paths: Record<
        string,
        {
          get?: {
            parameters?: {
              name: string;
              in: string;
              required?: boolean;
              schema?: { enum?: string[] };
            }[];
          };
        }
      >;
    };
    const byPrefix: [RegExp, string | null][] = [
      [/^\/api\/v1\/inferences\//, ids.inference],
      [/^\/api\/v1\/incidents\//, ids.incident],
      [/^\/api\/v1\/disputes\//, ids.dispute],
    ];
    const pathValue = (template: string, name: string) => {
      if (name === "model") return ids.model!;
      if (name === "hash") return ids.output!;
      if (name === "address") return TEST_ADMIN;
      // Without such a record yet, an unknown id: its 404 is an answer too.
      return byPrefix.find(([re]) => re.test(template))?.[1] ?? crypto.randomUUID();
    };
    const queryValues: Record<string, string> = {
      q: ids.output!,
      scopeType: "output",
      scopeId: ids.output!,
    };
    const routes: string[] = [];
    for (const [template, ops] of Object.entries(doc.paths)) {
      if (!ops.get) continue;
      const filled = template.replace(/\{(\w+)\}/g, (_, name: string) =>
        encodeURIComponent(pathValue(template, name)),
      );
      const query = (ops.get.parameters ?? [])
        .filter((p) => p.in === "query" && p.required)
        .map((p) => {
          const value = p.schema?.enum?.[0] ?? queryValues[p.name];
          if (value === undefined) throw new Error(`No value for ${template}?${p.name}`);
          return `${p.name}=${encodeURIComponent(value)}`;
        });
      routes.push(query.length ? `${filled}?${query.join("&")}` : filled);
    }
    expect(routes.length).toBeGreaterThanOrEqual(25);
    routes.push(
      "/api/health",
      "/api/ready",
      "/api/v1/openapi.json",
      "/metrics",
      // Errors: an unknown record, an unknown route, a bad query, a bad id, a bad escape.
      "/api/v1/inferences/inf_does_not_exist",
      "/api/v1/no-such-route",
      "/api/v1/inferences?limit=lots",
      "/api/v1/incidents/not-a-uuid",
      "/api/v1/models/%E0%A4%A/timeline",
    );
    const apiAnswers: Answer[] = [];
    const bearer = { authorization: `Bearer ${metricsToken}` };
    const asWho: Record<string, string>[] = [{}, { cookie }, bearer];
    for (const headers of asWho) {
      const list = "authorization" in headers ? ["/metrics"] : routes;
      for (let i = 0; i < list.length; i += 4) {
        const batch = list.slice(i, i + 4).map((r) => fetchAnswer(`${appUrl}${r}`, headers, 5_000));
        apiAnswers.push(...(await Promise.all(batch)));
      }
    }
    const count = (status: number) => apiAnswers.filter((a) => a.status === status).length;
    console.log(
      `no-secrets API: ${apiAnswers.length} answers (${count(200)} 200, ${count(401)} 401, ${count(404)} 404, ${count(422)} 422)`,
    );
    expect(leaks(apiAnswers)).toEqual([]);
    expect(count(200)).toBeGreaterThanOrEqual(40);
    expect(count(422)).toBeGreaterThanOrEqual(2);
    const events = apiAnswers.find((a) => a.url.endsWith("/api/v1/events"));
    expect(events?.contentType).toMatch(/^text\/event-stream/);
    const metrics = apiAnswers.filter((a) => a.url.endsWith("/metrics")).map((a) => a.status);
    expect(metrics).toEqual([401, 401, 200]);
  });

  it("lets the indexer log no secret, nor store one in any table", async () => {
    const runs = await indexerRuns;
    for (const [name, run] of Object.entries(runs)) {
      console.log(
        `no-secrets indexer ${name}: exit ${run.code}, ${run.output.split("\n").filter(Boolean).length} lines`,
      );
    }
    // The keyed URLs work (credentials travel as Basic authorization); the echoing
    // provider's 404 is fatal; the dead port is retried until the run is stopped.
    expect(runs.keyed.code, runs.keyed.output.slice(-2000)).toBe(0);
    expect(runs.echo.code).toBe(1);
    expect(runs.echo.output).toMatch(/HTTP 404/);
    expect(runs.dead.output.split("Retrying RPC call").length).toBeGreaterThan(3);
    for (const run of Object.values(runs)) {
      expect(run.output.split("\n").filter((l) => secretsIn(l).length)).toEqual([]);
    }
    const pattern = SECRETS.join("|");
    const scanned = {
      indexer: await tablesMatching(indexerDbUrl, pattern),
      shared: await tablesMatching(databaseUrl, pattern),
    };
    console.log(
      `no-secrets database: ${scanned.indexer.rows} rows in the indexer's, ${scanned.shared.rows} in the shared one`,
    );
    expect(scanned.indexer.matching).toEqual([]);
    expect(scanned.shared.matching).toEqual([]);
    expect(scanned.indexer.rows).toBeGreaterThanOrEqual(500);
    // The echoing provider's error was stored, without its key.
    const stored = await queryOnce(
      indexerDbUrl,
      "SELECT last_error FROM source WHERE last_error IS NOT NULL",
    );
    expect(stored.map((r) => r.last_error).join("\n")).toMatch(/HTTP 404/);
  });

  it("writes no secret in any line the dashboard logged, nor in DATA_DIR/logs", async () => {
    // Last: every request above has been answered, and logged if it logs anything.
    const lines = output.split("\n").filter(Boolean);
    const logDir = path.join(dataDir, "logs");
    const files = await fs.readdir(logDir);
    const fileLines: string[] = [];
    for (const file of files) {
      const text = await fs.readFile(path.join(logDir, file), "utf8");
      fileLines.push(...text.split("\n").filter(Boolean));
    }
    console.log(
      `no-secrets logs: ${lines.length} dashboard lines, ${fileLines.length} lines in ${files.length} files`,
    );
    expect([...lines, ...fileLines].filter((l) => secretsIn(l).length)).toEqual([]);
    expect(lines.join("\n")).toMatch(/Dashboard server listening/);
  });
});
