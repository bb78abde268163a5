import { execFile, spawn } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAuditEvent } from "@/lib/audit/append";
import { createTestDatabase, type TestDatabase } from "../helpers/db";

const KEY_A = `0x${"a1".repeat(32)}` as const;
const KEY_B = `0x${"b2".repeat(32)}` as const;
const SIGNER_A = privateKeyToAccount(KEY_A).address;
const SIGNER_B = privateKeyToAccount(KEY_B).address;
const SECRETS = ["sekret", "KEYPATH123", "QUERYKEY456"];

let db: TestDatabase;
let tmp: string;
beforeAll(async () => {
  db = await createTestDatabase();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "secrets-"));
  const client = await db.pool.connect();
  try {
    for (let i = 0; i < 2; i++) {
      await client.query("BEGIN");
      await appendAuditEvent(
        client,
        { actor: "system", action: "test.event", payload: { i } },
        { signer: privateKeyToAccount(KEY_A), checkpointEvery: 1 },
      );
      await client.query("COMMIT");
    }
  } finally {
    client.release();
  }
});
afterAll(async () => {
  await db.close();
  await fs.rm(tmp, { recursive: true, force: true });
});

/** A script run as a person runs it, with a clean environment for the audit variables. */
function run(script: string, args: string[], env: Record<string, string>) {
  const base = { ...process.env };
  for (const name of ["AUDIT_SIGNING_KEY", "AUDIT_SIGNER", "REQUIRE_AUDIT_KEY", "DEVNET"]) {
    delete base[name];
  }
  return promisify(execFile)("node", ["--import", "tsx", script, ...args], {
    env: { ...base, DATA_DIR: tmp, LOG_LEVEL: "warn", ...env },
  }).then(
    (out) => ({ code: 0, out: out.stdout + out.stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      out: error.stdout + error.stderr,
    }),
  );
}

describe("npm run verify:audit with an expected signer", () => {
  it("passes when every checkpoint is signed by the --signer given", async () => {
    const result = await run("scripts/verify-audit.ts", ["--signer", SIGNER_A], {
      DATABASE_URL: db.url,
    });
    expect(result.out).toMatch(/PASS .*signer 0x/);
    expect(result.code).toBe(0);
  });

  it("fails, naming the expected signer, when the checkpoints are signed by another key", async () => {
    const result = await run("scripts/verify-audit.ts", [], {
      DATABASE_URL: db.url,
      AUDIT_SIGNER: SIGNER_B,
    });
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      `FAIL checkpoint: The checkpoint at seq 1 is signed by ${SIGNER_A.toLowerCase()}, not by the expected signer ${SIGNER_B.toLowerCase()}.`,
    );
  });

  it("refuses to guess on a machine with no key and no signer given", async () => {
    const result = await run("scripts/verify-audit.ts", [], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expect(result.out.trim()).toBe(
      "verify:audit: No expected signer: pass --signer 0xADDRESS (the address the server shows on /audit) or set AUDIT_SIGNER.",
    );
    await expect(fs.access(path.join(tmp, "keys"))).rejects.toThrow(); // no key was made
  });
});

describe("npm start without AUDIT_SIGNING_KEY", () => {
  it("refuses a real deployment (DEVNET=false) in one sentence, before starting anything", async () => {
    const dataDir = path.join(tmp, "start");
    await fs.mkdir(dataDir);
    const result = await run("scripts/start.ts", [], { DATA_DIR: dataDir, DEVNET: "false" });
    expect(result.code).toBe(1);
    // Off a terminal the refusal is one JSON log line of the supervisor.
    const lines = result.out.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      process: "supervisor",
      msg: expect.stringMatching(/^AUDIT_SIGNING_KEY is required with DEVNET=false: /),
    });
    expect(await fs.readdir(dataDir)).toEqual([]);
  });
});

describe("RPC keys in logs and chain statuses", () => {
  it("never print a configured keyed URL, whether in a field, a message or an error", async () => {
    const keyed = "https://user:sekret@rpc.example.io/v3/KEYPATH123?apikey=QUERYKEY456";
    const code = `
      const { log } = await import("@/lib/log");
      log.warn({ url: process.env.OG_RPC_URL }, "RPC " + process.env.OG_RPC_URL + " failed");
      log.error({ err: new Error("fetch " + process.env.OG_RPC_URL) }, "Failed");`;
    const child = spawn("node", ["--import", "tsx", "--input-type=module", "-e", code], {
      env: { ...process.env, OG_RPC_URL: keyed, LOG_LEVEL: "info" },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    expect(await new Promise((resolve) => child.on("exit", resolve))).toBe(0);
    expect(out).toContain("RPC https://rpc.example.io failed");
    expect(out.split("\n").filter(Boolean)).toHaveLength(2);
    for (const secret of SECRETS) expect(out).not.toContain(secret);
  });

  it("shows host-only URLs and keyless errors for chains that refuse or do not answer", async () => {
    // A provider that echoes the requested URL back in its error, as some do.
    const server = http.createServer((req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: `invalid key in ${req.url}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const file = path.join(tmp, "sources.json");
      const secretPart = "/v3/KEYPATH123?apikey=QUERYKEY456";
      await fs.writeFile(
        file,
        JSON.stringify([
          source(8453, `http://user:sekret@127.0.0.1:${port}${secretPart}`),
          source(84532, `http://user:sekret@127.0.0.1:1${secretPart}`),
        ]),
      );
      const code = `
        const { getChainStatuses } = await import("@/lib/system/chains");
        console.log(JSON.stringify(await getChainStatuses()));`;
      const result = await promisify(execFile)(
        "node",
        ["--conditions=react-server", "--import", "tsx", "--input-type=module", "-e", code],
        { env: { ...process.env, SOURCES_FILE: file, DEVNET: "false", LOG_LEVEL: "warn" } },
      );
      const status = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as {
        chains: { rpcUrl: string; error: string | null }[];
      };
      expect(status.chains.map((c) => c.rpcUrl).sort()).toEqual([
        "http://127.0.0.1:1",
        `http://127.0.0.1:${port}`,
      ]);
      expect(status.chains.every((c) => c.error)).toBe(true);
      for (const secret of SECRETS) expect(result.stdout + result.stderr).not.toContain(secret);
    } finally {
      server.close();
    }
  });
});

function source(chainId: number, rpcUrl: string) {
  return {
    chainId,
    rpcUrl,
    kind: "x402_proxy",
    address: "0x0000000000000000000000000000000000000001",
    abiVersion: 1,
    fromBlock: 0,
    label: "test",
  };
}
