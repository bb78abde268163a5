import { startDevnet } from "@/lib/devnet";
import { dataDir, getEnv } from "@/lib/env";

/** `npm run devnet`: only the two local chains with their contracts, until Ctrl-C. */
async function main() {
  const devnet = await startDevnet({ dataDir: dataDir(getEnv()) });
  for (const c of devnet.chains) console.log(`chain ${c.chainId}: ${c.rpcUrl}`);
  for (const s of devnet.sources) console.log(`  ${s.kind} on ${s.chainId}: ${s.address}`);
  console.log("press Ctrl-C to stop");
  const stop = async () => {
    await devnet.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  console.error(`devnet failed: ${(error as Error).message}`);
  process.exit(1);
});
