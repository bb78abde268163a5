import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { log } from "@/lib/log";

/** Where `prisma/migrations/<timestamp>_<name>/migration.sql` folders live. */
export const MIGRATIONS_DIR = path.resolve("prisma", "migrations");

// Note: the same advisory lock key Prisma Migrate uses, so our runner and a
// `prisma migrate deploy` elsewhere never apply the same migration concurrently.
const ADVISORY_LOCK_KEY = 72707369;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  /** SHA-256 of the file's bytes, hex, exactly as Prisma records it. */
  checksum: string;
}

/** Reads the migration folders in name (timestamp) order. */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await fs.readdir(/* turbopackIgnore: true */ dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const bytes = await fs.readFile(
        /* turbopackIgnore: true */ path.join(dir, name, "migration.sql"),
      );
      const checksum = crypto.createHash("sha256").update(bytes).digest("hex");
      return { name, sql: bytes.toString("utf8"), checksum };
    }),
  );
}

/**
 * Applies every migration not yet recorded in `_prisma_migrations`, each in its own
 * transaction, recording it as Prisma Migrate would. Throws when an applied migration's
 * file has changed since (its checksum differs) or an earlier run failed half-way.
 * Returns the names it applied.
 */
export async function applyMigrations(url: string, dir = MIGRATIONS_DIR): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCK_KEY]);
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
    }>('SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"');
    const applied = new Map(
      rows.filter((r) => !r.rolled_back_at).map((r) => [r.migration_name, r]),
    );
    const done: string[] = [];
    for (const migration of await readMigrations(dir)) {
      const previous = applied.get(migration.name);
      if (previous) {
        assertUnchanged(migration, previous);
        continue;
      }
      await applyOne(client, migration);
      done.push(migration.name);
    }
    if (done.length) log.info({ migrations: done }, "Applied database migrations");
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}

function assertUnchanged(
  migration: Migration,
  previous: { checksum: string; finished_at: Date | null },
): void {
  if (!previous.finished_at) {
    throw new Error(
      `Migration ${migration.name} failed half-way on an earlier run; fix the database by hand, then delete its row from _prisma_migrations.`,
    );
  }
  if (previous.checksum !== migration.checksum) {
    throw new Error(
      `Migration ${migration.name} was edited after it was applied; add a new migration instead.`,
    );
  }
}

async function applyOne(client: pg.Client, migration: Migration): Promise<void> {
  const id = crypto.randomUUID();
  await client.query("BEGIN");
  try {
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query(
      'UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1',
      [id],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${migration.name} failed and was rolled back: ${reason}`);
  }
}
