import path from "node:path";
import { startEmbeddedPostgres } from "@/lib/db/embedded";
import { applyMigrations } from "@/lib/db/migrate";
import { ConfigError, dataDir, getEnv } from "@/lib/env";

/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded
 * database under DATA_DIR when it is unset (starting and stopping it around the work).
 */
async function main() {
  const env = getEnv();
  const embedded = env.DATABASE_URL
    ? undefined
    : await startEmbeddedPostgres({ dataDir: path.join(dataDir(env), "pg") });
  try {
    const applied = await applyMigrations(env.DATABASE_URL ?? embedded!.url);
    console.log(applied.length ? `applied: ${applied.join(", ")}` : "schema up to date");
  } finally {
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError ? error.message : `migration failed: ${(error as Error).message}`,
  );
  process.exit(1);
});
