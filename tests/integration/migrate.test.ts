import crypto from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyMigrations, readMigrations } from "@/lib/db/migrate";
import { withDatabase } from "../helpers/db-url";
import { queryOnce } from "../helpers/sql";

describe("applyMigrations()", () => {
  const admin = inject("adminDatabaseUrl");
  const name = `migrate_${crypto.randomBytes(4).toString("hex")}`;
  const url = withDatabase(admin, name);

  beforeAll(async () => {
    await queryOnce(admin, `CREATE DATABASE ${name}`);
  });
  afterAll(async () => {
    await queryOnce(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it("applies every committed migration to an empty database, then nothing the second time", async () => {
    const all = (await readMigrations()).map((m) => m.name);
    expect(all.length).toBeGreaterThan(0);
    expect(await applyMigrations(url)).toEqual(all);
    expect(await applyMigrations(url)).toEqual([]);
  });

  it("records each migration as Prisma Migrate does, with the file's SHA-256", async () => {
    const [first] = await readMigrations();
    const rows = await queryOnce(
      url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows[0]).toMatchObject({
      migration_name: first!.name,
      checksum: first!.checksum,
      applied_steps_count: 1,
    });
    expect(rows[0]!.finished_at).toBeInstanceOf(Date);
    const bytes = await fs.readFile(
      path.join("prisma", "migrations", first!.name, "migration.sql"),
    );
    expect(first!.checksum).toBe(crypto.createHash("sha256").update(bytes).digest("hex"));
  });

  it("refuses to continue when an applied migration was edited afterwards", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "migrations-"));
    const [first] = await readMigrations();
    await fs.mkdir(path.join(dir, first!.name));
    await fs.writeFile(path.join(dir, first!.name, "migration.sql"), first!.sql + "\n-- edited\n");
    await expect(applyMigrations(url, dir)).rejects.toThrow(/was edited after it was applied/);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("rolls a failing migration back whole and records nothing for it", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "migrations-"));
    for (const m of await readMigrations()) {
      await fs.mkdir(path.join(dir, m.name));
      await fs.writeFile(path.join(dir, m.name, "migration.sql"), m.sql);
    }
    const bad = "99991231000000_broken";
    await fs.mkdir(path.join(dir, bad));
    await fs.writeFile(
      path.join(dir, bad, "migration.sql"),
      "CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;",
    );
    await expect(applyMigrations(url, dir)).rejects.toThrow(/99991231000000_broken failed/);
    const tables = await queryOnce(url, "SELECT to_regclass('half_done') AS t");
    expect(tables[0]!.t).toBeNull();
    const recorded = await queryOnce(
      url,
      `SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE migration_name = '${bad}'`,
    );
    expect(recorded[0]!.n).toBe(0);
    await fs.rm(dir, { recursive: true, force: true });
  });
  it("keeps only scheme, host and port of the chain RPC URLs earlier versions stored", async () => {
    const name = `migrate_rpc_${crypto.randomBytes(4).toString("hex")}`;
    const db = withDatabase(admin, name);
    await queryOnce(admin, `CREATE DATABASE ${name}`);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "migrations-"));
    try {
      const all = await readMigrations();
      const at = all.findIndex((m) => m.name.endsWith("_chain_rpc_url_host_only"));
      for (const m of all.slice(0, at)) {
        await fs.mkdir(path.join(dir, m.name));
        await fs.writeFile(path.join(dir, m.name, "migration.sql"), m.sql);
      }
      await applyMigrations(db, dir);
      await queryOnce(
        db,
        `INSERT INTO chain (id, name, rpc_url, finality_depth) VALUES
           (1, 'a', 'https://user:sekret@rpc.example:8545/v3/KEYPATH123?apikey=QUERYKEY456', 1),
           (2, 'b', 'wss://[::1]:8546/ws/KEY#x', 1), (3, 'c', 'https://rpc.example', 1),
           (4, 'd', 'not a url', 1), (5, 'e', NULL, 1)`,
      );
      await applyMigrations(db);
      const rows = await queryOnce(db, "SELECT rpc_url FROM chain ORDER BY id");
      expect(rows.map((r) => r.rpc_url)).toEqual([
        "https://rpc.example:8545",
        "wss://[::1]:8546",
        "https://rpc.example",
        null,
        null,
      ]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
      await queryOnce(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
});
