import "server-only";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/db/generated/client";
import { ConfigError, getEnv } from "@/lib/env";
import { log } from "@/lib/log";

/** A transaction client or the root client: data-layer verbs accept either. */
export type Db = Omit<
  PrismaClient,
  "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends"
>;

interface Handles {
  prisma: PrismaClient;
  pool: pg.Pool;
}

// Note: Next.js dev mode re-evaluates modules on every change; keeping the handles on
// globalThis stops each reload from opening a new pool.
const globalHandles = globalThis as unknown as { __provenanceDb?: Handles };

function databaseUrl(): string {
  const url = getEnv().DATABASE_URL;
  if (!url) {
    throw new ConfigError(
      "DATABASE_URL is not set: start the app with `npm start`, which runs an embedded Postgres, or set DATABASE_URL.",
    );
  }
  return url;
}

function handles(): Handles {
  if (!globalHandles.__provenanceDb) {
    const connectionString = databaseUrl();
    // A database that swallows packets fails a request after 5 s instead of hanging it.
    const pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 5000 });
    // Note: an idle client whose server went away (a restart, Ctrl-C reaching Postgres
    // first) emits 'error'; unhandled, that would crash the process.
    pool.on("error", (error: Error & { code?: string }) =>
      log.warn({ error: error.message, code: error.code }, "Idle database connection closed"),
    );
    // Note: a connection checked out of the pool (a transaction) has no 'error' listener of
    // the pool's; when the server goes away under it, the unhandled event would end the
    // process. Its query is rejected anyway, and the caller answers that error.
    pool.on("connect", (client) =>
      client.on("error", (error: Error) =>
        log.debug({ error: error.message }, "Database connection lost while in use"),
      ),
    );
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    globalHandles.__provenanceDb = { prisma, pool };
  }
  return globalHandles.__provenanceDb;
}

/** The shared Prisma client (reads and schema-typed writes). */
export function getPrisma(): PrismaClient {
  return handles().prisma;
}

/** The shared `pg` pool, for raw SQL, COPY and LISTEN/NOTIFY. */
export function getPool(): pg.Pool {
  return handles().pool;
}

/** Closes the shared handles (tests and scripts that finish); the next use reopens them. */
export async function closeDb(): Promise<void> {
  const current = globalHandles.__provenanceDb;
  globalHandles.__provenanceDb = undefined;
  if (!current) return;
  await current.prisma.$disconnect();
  await current.pool.end();
}
