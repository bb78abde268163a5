import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { passwordFile, startEmbeddedPostgres } from "@/lib/db/embedded";
import { queryOnce } from "../helpers/sql";

const tmps: string[] = [];
async function scratch(): Promise<string> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "embedded-pw-"));
  await fs.chmod(tmp, 0o755);
  tmps.push(tmp);
  return path.join(tmp, "pg");
}
afterAll(async () => {
  for (const tmp of tmps) await fs.rm(tmp, { recursive: true, force: true });
});

const withPassword = (url: string, password: string) => {
  const u = new URL(url);
  u.password = password;
  return u.toString();
};

describe("the embedded PostgreSQL password", () => {
  it("is made per data directory in a 0600 file, reused on the next start, and is not the old fixed one", async () => {
    const dataDir = await scratch();
    const first = await startEmbeddedPostgres({ dataDir });
    const file = passwordFile(dataDir);
    const password = (await fs.readFile(file, "utf8")).trim();
    try {
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
      expect(password).toMatch(/^[0-9a-f]{48}$/);
      expect(decodeURIComponent(new URL(first.url).password)).toBe(password);
      await expect(queryOnce(withPassword(first.url, "provenance"), "SELECT 1")).rejects.toThrow(
        /password authentication failed/,
      );
    } finally {
      await first.stop();
    }
    const second = await startEmbeddedPostgres({ dataDir });
    try {
      expect(decodeURIComponent(new URL(second.url).password)).toBe(password);
      expect(await queryOnce(second.url, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
    } finally {
      await second.stop();
    }
  });

  it("moves a data directory made with the old fixed password to its own, keeping its data", async () => {
    const dataDir = await scratch();
    const made = await startEmbeddedPostgres({ dataDir });
    try {
      // What a directory from before looks like: the fixed password, no password file.
      await queryOnce(made.url, "CREATE TABLE kept (v text)");
      await queryOnce(made.url, "INSERT INTO kept VALUES ('still here')");
      await queryOnce(made.url, "ALTER ROLE postgres PASSWORD 'provenance'");
    } finally {
      await made.stop();
    }
    await fs.rm(passwordFile(dataDir));

    const moved = await startEmbeddedPostgres({ dataDir });
    try {
      const password = (await fs.readFile(passwordFile(dataDir), "utf8")).trim();
      expect(password).toMatch(/^[0-9a-f]{48}$/);
      expect(await queryOnce(moved.url, "SELECT v FROM kept")).toEqual([{ v: "still here" }]);
      await expect(queryOnce(withPassword(moved.url, "provenance"), "SELECT 1")).rejects.toThrow(
        /password authentication failed/,
      );
    } finally {
      await moved.stop();
    }
  });
});
