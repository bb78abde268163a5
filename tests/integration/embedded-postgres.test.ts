import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { queryOnce } from "../helpers/sql";

function postgresProcessesFor(dataDir: string): string[] {
  const out = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" });
  return out.split("\n").filter((line) => line.includes("postgres") && line.includes(dataDir));
}

describe("startEmbeddedPostgres()", () => {
  it("keeps data across a stop and a start, on a new free port, and leaves no process", async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "embedded-pg-"));
    await fs.chmod(tmp, 0o755);
    const dataDir = path.join(tmp, "pg");

    const first = await startEmbeddedPostgres({ dataDir });
    try {
      await queryOnce(first.url, "CREATE TABLE kept (v text)");
      await queryOnce(first.url, "INSERT INTO kept VALUES ('still here')");
    } finally {
      await first.stop();
    }
    expect(postgresProcessesFor(dataDir)).toEqual([]);

    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect(second.port).not.toBe(0);
      expect(await queryOnce(second.url, "SELECT v FROM kept")).toEqual([{ v: "still here" }]);
    } finally {
      await second.stop();
    }
    await second.stop(); // a second stop is harmless
    expect(postgresProcessesFor(dataDir)).toEqual([]);
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it("reports a killed server and starts again on its port, stopping the backend it left busy", async () => {
    const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "embedded-pg-"));
    await fs.chmod(tmp, 0o755);
    const dataDir = path.join(tmp, "pg");
    const first = await startEmbeddedPostgres({ dataDir });
    await queryOnce(first.url, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('kept')");
    const client = new pg.Client({ connectionString: first.url });
    client.on("error", () => {});
    await client.connect();
    const backend = (await client.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number;
    // A backend busy with a query does not notice its postmaster's death until it finishes.
    const busy = client
      .query("SELECT count(*) FROM generate_series(1, 1000000000)")
      .catch(() => {});

    process.kill(first.pid!, "SIGKILL");
    expect(await first.crashed).toBe("SIGKILL");
    const second = await startEmbeddedPostgres({ dataDir, port: first.port });
    try {
      expect(second.url).toBe(first.url);
      expect(await queryOnce(second.url, "SELECT v FROM kept")).toEqual([{ v: "kept" }]);
      expect(() => process.kill(backend, 0)).toThrow();
    } finally {
      await busy;
      await client.end().catch(() => {});
      await second.stop();
      await first.stop(); // stopping the killed one is harmless
    }
    expect(postgresProcessesFor(dataDir)).toEqual([]);
    await fs.rm(tmp, { recursive: true, force: true });
  });
});
