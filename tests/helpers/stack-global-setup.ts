import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { parseEnv } from "@/lib/env";
import { findFreePort } from "@/lib/net";
import { startStack } from "@/scripts/lib/stack";
import { browserAvailable } from "./browser";
import { TEST_ADMIN } from "./test-wallets";

declare module "vitest" {
  export interface ProvidedContext {
    appUrl: string;
    ingestRateLimit: number;
    /** The stack's DATA_DIR: the story's answer key is in devnet/story/manifest.json. */
    dataDir: string;
    /** The stack's database, for tests that start a second server over it or set up rows. */
    databaseUrl: string;
  }
}

/**
 * Once per run of the browser tests: the whole product, as `npm start` runs it, in a
 * temporary data directory on free ports. Skipped when no browser can run the tests.
 */
export default async function setup(project: TestProject) {
  if (!browserAvailable()) {
    project.provide("appUrl", "");
    project.provide("ingestRateLimit", 0);
    project.provide("dataDir", "");
    project.provide("databaseUrl", "");
    return;
  }
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), "provenance-e2e-"));
  await fs.chmod(tmp, 0o755);
  const port = await findFreePort();
  // A limit the story's delivery stays under and the rate-limit test can reach quickly.
  const ingestRateLimit = 400;
  const env = parseEnv({
    ...process.env,
    DATA_DIR: tmp,
    PORT: String(port),
    SOURCES_FILE: "",
    INGEST_RATE_LIMIT_PER_MINUTE: String(ingestRateLimit),
    // Anvil's first default account: the browser tests' admin (its key is public).
    ADMIN_ADDRESSES: TEST_ADMIN,
  });
  const stack = await startStack({
    env,
    dataDir: tmp,
    port,
    mode: "start",
    say: (line) => process.stdout.write(`e2e stack: ${line}\n`),
  });
  project.provide("appUrl", stack.appUrl);
  project.provide("ingestRateLimit", ingestRateLimit);
  project.provide("dataDir", tmp);
  project.provide("databaseUrl", stack.databaseUrl);
  return async () => {
    await stack.stop();
    await fs.rm(tmp, { recursive: true, force: true });
  };
}
