import fs from "node:fs/promises";
import path from "node:path";
import { createPublicClient, http } from "viem";
import type { SourceConfig } from "@/lib/chain/source-config";
import type { BlobStore } from "@/lib/devnet/blob-store";
import { deliverOutbox, httpSink, outboxState, storyDir } from "./deliver";
import { playStory } from "./play";

/**
 * The devnet story, once per data directory: played if it never was (not again over
 * existing chain data), then delivered to the ingest API at `apiUrl` until one delivery
 * completes. Without `apiUrl` the evidence waits in the outbox. Reports through `say`,
 * with progress every tenth of a long play.
 */
export async function ensureStory(args: {
  sources: SourceConfig;
  blobStore: BlobStore;
  dataDir: string;
  seed: string;
  requests: number;
  apiUrl?: string;
  say: (line: string) => void;
}): Promise<void> {
  const dir = storyDir(args.dataDir);
  const state = await outboxState(dir);
  const playing = path.join(dir, "playing");
  if (!state.played && (await exists(playing))) {
    throw new Error(
      `The devnet story was interrupted while it played, so the chains hold half of it: delete ${args.dataDir} (or its anvil, devnet and blobs folders and the database) and start again.`,
    );
  }
  if (state.played) await assertChainsKeptStory(args.sources, dir, args.dataDir);
  if (!state.played) {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(playing, `${new Date().toISOString()}\n`);
    args.say(`story: playing ${args.requests} requests on the devnet (seed "${args.seed}")`);
    const started = Date.now();
    let reported = 0;
    const manifest = await playStory({
      sources: args.sources,
      blobStore: args.blobStore,
      outDir: dir,
      seed: args.seed,
      requests: args.requests,
      onProgress: (stage, done, total) => {
        const tenth = Math.floor((done / total) * 10);
        if (total < 1000 || tenth <= reported) return;
        reported = tenth;
        args.say(
          `story: ${stage} ${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")}`,
        );
      },
    });
    await fs.rm(playing, { force: true });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const { transactions, batches, agentActions } = manifest.counts;
    args.say(
      `story: played in ${seconds} s: ${transactions} transactions, ${batches} batches, ${agentActions} agent actions, the v1.1.0 rollback; answer key in ${dir}/manifest.json`,
    );
  } else {
    args.say(`story: already played (${dir})`);
  }
  if (args.apiUrl && !state.delivered) {
    const delivered = await deliverOutbox(dir, httpSink(args.apiUrl));
    args.say(
      `story: delivered ${delivered.receipts} receipts and ${delivered.actions} agent actions to ${args.apiUrl}`,
    );
  }
}

const exists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false,
  );

/**
 * anvil saves its state when it stops politely; after a hard kill the chains restart
 * from an older state that may predate the story, while the database keeps its evidence.
 */
async function assertChainsKeptStory(sources: SourceConfig, dir: string, dataDir: string) {
  const manifest = JSON.parse(await fs.readFile(path.join(dir, "manifest.json"), "utf8")) as {
    heads?: Record<string, string>;
  };
  for (const [chainId, head] of Object.entries(manifest.heads ?? {})) {
    const rpcUrl = sources.find((s) => String(s.chainId) === chainId)?.rpcUrl;
    if (!rpcUrl) continue;
    const now = await createPublicClient({ transport: http(rpcUrl) }).getBlockNumber({
      cacheTime: 0,
    });
    if (now < BigInt(head)) {
      throw new Error(
        `Chain ${chainId} is at block ${now} but the devnet story ended at block ${head}: its state was lost (was it killed without Ctrl-C?). Delete ${dataDir} and start again.`,
      );
    }
  }
}
