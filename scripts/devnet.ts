import { parseArgs } from "node:util";
import { startDevnet } from "@/lib/devnet";
import { deliverOutbox, httpSink, outboxState, playStory, storyDir } from "@/lib/devnet/scenario";
import { dataDir, getEnv } from "@/lib/env";

const HELP = `npm run devnet [-- --requests N] [--seed S] [--api URL]

Starts the two local chains with their contracts and the blob store, plays the devnet story
once per data directory, and keeps running until Ctrl-C. With --api, delivers the story's
receipts and agent actions to a running app; otherwise \`npm start\` delivers them.`;

/** `npm run devnet`: the local chains, the story played once, until Ctrl-C. */
async function main() {
  const { values } = parseArgs({
    options: {
      requests: { type: "string" },
      seed: { type: "string" },
      api: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return console.log(HELP);
  const env = getEnv();
  const requests = values.requests ? Number(values.requests) : env.STORY_REQUESTS;
  if (!Number.isInteger(requests) || requests < 20)
    throw new Error("--requests must be a whole number ≥ 20");
  const seed = values.seed ?? env.STORY_SEED;
  const devnet = await startDevnet({ dataDir: dataDir(env) });
  const stop = async () => {
    await devnet.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  for (const c of devnet.chains) console.log(`chain ${c.chainId}: ${c.rpcUrl}`);
  console.log(`blob store: ${devnet.blobStore.url}`);
  const dir = storyDir(dataDir(env));
  if (!(await outboxState(dir)).played) {
    console.log(`story: playing ${requests} requests (seed "${seed}")`);
    const started = Date.now();
    const manifest = await playStory({
      sources: devnet.sources,
      blobStore: devnet.blobStore,
      outDir: dir,
      seed,
      requests,
      onProgress: (stage, done, total) => {
        if (done === total || done % 1000 < 10)
          process.stdout.write(`\r  ${stage}: ${done}/${total}`);
      },
    });
    console.log(
      `\nstory: done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(manifest.counts)}`,
    );
  } else {
    console.log(`story: already played in ${dir}`);
  }
  if (values.api) {
    const delivered = await deliverOutbox(dir, httpSink(values.api));
    console.log(
      `story: delivered ${delivered.receipts} receipts and ${delivered.actions} agent actions to ${values.api}`,
    );
  }
  console.log("press Ctrl-C to stop");
}

main().catch((error: unknown) => {
  console.error(`devnet failed: ${(error as Error).message}`);
  process.exit(1);
});
