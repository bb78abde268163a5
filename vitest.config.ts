import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
// Global setups run in this process: keep their structured logs to warnings too.
process.env.LOG_LEVEL ??= "warn";

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // Note: `server-only` throws outside React's server bundle; tests are server code.
      "server-only": path.join(root, "tests/helpers/empty-module.ts"),
    },
  },
  test: {
    reporters: ["default", "./tests/helpers/summary-reporter.ts"],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    pool: "forks",
    // Structured logs from lib/ would drown the test report; warnings and errors still show.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" },
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          globalSetup: ["tests/helpers/db-global-setup.ts"],
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          globalSetup: ["tests/helpers/stack-global-setup.ts"],
          fileParallelism: false,
        },
      },
    ],
  },
});
