import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
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
});
