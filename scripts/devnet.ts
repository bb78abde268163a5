import { parseArgs } from "node:util";
import { lockDataDir } from "@/lib/data-dir-lock";
import { startDevnet } from "@/lib/devnet";
import { ensureStory } from "@/lib/devnet/scenario";
import { dataDir, getEnv } from "@/lib/env";

const HELP = `npm run devnet [-- --requests N] [--seed S] [--api URL]

Starts the two local chains with their contracts and the blob store, plays the devnet story
once per data directory, and keeps running until Ctrl-C. With --api, delivers the story's
receipts and agent actions to a running app; otherwise the next \`npm start\` delivers them.

  --requests N   story size (default STORY_REQUESTS, 300)
  --seed S       story seed (default STORY_SEED, "provenance")
  --api URL      deliver the evidence to this app, e.g. http://localhost:3000

Chain state, blobs and the story's outbox live under DATA_DIR (default .data).`;

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
  if (!Number.isInteger(requests) || requests < 20) {
    throw new Error(`--requests must be a whole number of at least 20 (got ${values.requests})`);
  }
  const unlock = await lockDataDir(dataDir(env));
  const devnet = await startDevnet({ dataDir: dataDir(env) });
  const stop = async () => {
    await devnet.stop();
    await unlock();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  const say = (line: string) => console.log(`devnet: ${line}`);
  for (const c of devnet.chains) say(`chain ${c.chainId}: ${c.rpcUrl}`);
  say(`blob store: ${devnet.blobStore.url}`);
  await ensureStory({
    ...devnet,
    dataDir: dataDir(env),
    seed: values.seed ?? env.STORY_SEED,
    requests,
    apiUrl: values.api,
    say,
  });
  say("press Ctrl-C to stop");
}

main().catch((error: unknown) => {
  console.error(`devnet failed: ${(error as Error).message}`);
  process.exit(1);
});
