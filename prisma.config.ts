import { defineConfig } from "prisma/config";

// Note: Prisma's schema engine (migrate, db push) is a native binary fetched from
// Prisma's own server, which these machines cannot reach. Migrations are plain SQL
// applied by lib/db/migrate.ts, and the CLI is only used for `prisma generate`, which
// needs no engine once this variable names an existing file (it is never run).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
