import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { withDatabase } from "./db-url";

declare module "vitest" {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}

/**
 * Once per run: a PostgreSQL (the one in DATABASE_URL, or an embedded one in a temporary
 * directory) and a migrated template database that every test file clones.
 */
export default async function setup(project: TestProject) {
  const external = process.env.DATABASE_URL;
  const tmp = external ? undefined : await fs.mkdtemp(path.join(os.tmpdir(), "provenance-pg-"));
  if (tmp) await fs.chmod(tmp, 0o755);
  const server = tmp
    ? await startEmbeddedPostgres({ dataDir: path.join(tmp, "pg"), persistent: false })
    : undefined;
  const adminUrl = external ?? server!.url;
  const template = `provenance_template_${process.pid}`;
  try {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${template}`);
      await admin.query(`CREATE DATABASE ${template}`);
    } finally {
      await admin.end();
    }
    await applyMigrations(withDatabase(adminUrl, template));
  } catch (error) {
    // A failed setup gets no teardown: stop the server here or the run never exits.
    await server?.stop();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
    throw error;
  }
  project.provide("adminDatabaseUrl", adminUrl);
  project.provide("templateDatabase", template);

  return async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await client.end();
    await server?.stop();
    if (tmp) await fs.rm(tmp, { recursive: true, force: true });
  };
}
