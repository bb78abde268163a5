import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startDevnet, type Devnet } from "@/lib/devnet";
import { syncConfigAgents } from "@/lib/indexer/known-agents";
import { deliverOutbox, playStory, type StoryManifest } from "@/lib/devnet/scenario";
import { createTestDatabase, type TestDatabase } from "./db";
import { callRoute, pointAppAtDatabase } from "./route";

export interface PlayedStory {
  db: TestDatabase;
  devnet: Devnet;
  dataDir: string;
  manifest: StoryManifest;
  delivered: { receipts: number; actions: number };
  /** Closes the app's handles, drops the database, stops the chains, removes the files. */
  stop(): Promise<void>;
}

/**
 * The devnet story played into fresh chains and delivered through the real ingest routes
 * to an isolated database: the answer key (manifest) and the evidence, ready to index.
 */
export async function playStoryIntoTestDatabase(
  seed: string,
  requests: number,
): Promise<PlayedStory> {
  const db = await createTestDatabase();
  pointAppAtDatabase(db.url, { INGEST_RATE_LIMIT_PER_MINUTE: "100000" });
  const receipts = await import("@/app/api/v1/receipts/route");
  const actions = await import("@/app/api/v1/agent-actions/route");
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "story-test-"));
  const devnet = await startDevnet({ dataDir });
  // What the indexer CLI does at start: the config's known agents join the registry.
  await syncConfigAgents(db.pool, devnet.agents);
  const outDir = path.join(dataDir, "devnet", "story");
  const manifest = await playStory({
    sources: devnet.sources,
    blobStore: devnet.blobStore,
    outDir,
    seed,
    requests,
  });
  const ok = (status: number) => {
    if (status >= 300) throw new Error(`ingest answered ${status}`);
    return status;
  };
  const delivered = await deliverOutbox(outDir, {
    postReceipts: async (r) =>
      ok((await callRoute(receipts.POST, { body: { receipts: r } })).status),
    postAgentActions: async (a) =>
      ok((await callRoute(actions.POST, { body: { actions: a } })).status),
  });
  return {
    db,
    devnet,
    dataDir,
    manifest,
    delivered,
    async stop() {
      await (await import("@/lib/db/client")).closeDb();
      await db.close();
      await devnet.stop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
