import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { findFreePort } from "@/lib/net";
import { browserAvailable } from "../helpers/browser";

// What a provider key looks like in each part of a URL; none may ever leave the server.
const SECRETS = ["sekret", "KEYPATH123", "QUERYKEY456"];
const KEYED = (port: number) =>
  `http://user:sekret@127.0.0.1:${port}/v3/KEYPATH123?apikey=QUERYKEY456`;

/** A provider in front of anvil: takes the keyed URL, forwards the JSON-RPC body to anvil. */
async function keyedProxy(upstream: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body })
        .then(async (answer) => {
          res.writeHead(answer.status, { "content-type": "application/json" });
          res.end(await answer.text());
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

describe.skipIf(!browserAvailable())("a dashboard configured with keyed RPC URLs", () => {
  const dataDir = inject("dataDir");
  const proxies: http.Server[] = [];
  let server: ChildProcess;
  let appUrl = "";
  let output = "";

  beforeAll(async () => {
    // The stack's own source file, every rpcUrl replaced by a keyed URL of a proxy to it.
    const raw = JSON.parse(
      await fs.readFile(path.join(dataDir, "devnet", "sources.json"), "utf8"),
    ) as { rpcUrl: string }[] | { sources: { rpcUrl: string }[] };
    const rows = Array.isArray(raw) ? raw : raw.sources;
    const keyedFor = new Map<string, string>();
    for (const row of rows) {
      if (!keyedFor.has(row.rpcUrl)) {
        const proxy = await keyedProxy(row.rpcUrl);
        proxies.push(proxy);
        keyedFor.set(row.rpcUrl, KEYED((proxy.address() as AddressInfo).port));
      }
      row.rpcUrl = keyedFor.get(row.rpcUrl)!;
    }
    const sourcesFile = path.join(dataDir, "keyed-sources.json");
    await fs.writeFile(sourcesFile, JSON.stringify(raw));

    const port = await findFreePort();
    appUrl = `http://localhost:${port}`;
    server = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "serve.ts")], {
      env: {
        ...process.env,
        DATABASE_URL: inject("databaseUrl"),
        DATA_DIR: dataDir,
        SOURCES_FILE: sourcesFile,
        OG_RPC_URL: KEYED(1),
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "debug",
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    server.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    for (let i = 0; i < 300; i++) {
      const up = await fetch(`${appUrl}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return;
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
    for (const proxy of proxies) proxy.close();
  });

  it("shows every chain reachable through its keyed URL, by host only", async () => {
    const home = await (await fetch(appUrl)).text();
    expect(home).toMatch(/reachable/);
    expect(home).toMatch(/http:\/\/127\.0\.0\.1:\d+/);
    for (const secret of SECRETS) expect(home).not.toContain(secret);
  });
});
