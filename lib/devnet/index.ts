import path from "node:path";
import { loadSourceConfig, type ConfigAgent, type SourceConfig } from "@/lib/chain/source-config";
import { log } from "@/lib/log";
import { startAnvil } from "./anvil";
import { startBlobStore, type BlobStore } from "./blob-store";
import { DEVNET_CHAIN_IDS, deployDevnet } from "./deploy";
import { STORY_AGENTS } from "./scenario/story-actors";

export { startAnvil, type AnvilInstance, type AnvilOptions } from "./anvil";
export { startBlobStore, type BlobStore } from "./blob-store";
export { compileContracts, CONTRACT_NAMES, type Artifacts, type ContractName } from "./compile";
export { createDevnetClients, type DevnetClients } from "./clients";
export {
  DEVNET_CHAIN_IDS,
  DEVNET_PAYEE,
  DEVNET_PLAN,
  DEVNET_TEE_TYPES,
  deployDevnet,
} from "./deploy";

/**
 * How far in the past a fresh devnet's genesis lies, so that the story can spread hours
 * of traffic over chain time that ends before now (timelines then look like real use).
 */
export const DEVNET_HISTORY_SECONDS = 12 * 3600;

/** A running devnet: both chains, the blob store, the deployed sources, one way to stop. */
export interface Devnet {
  chains: { chainId: number; rpcUrl: string }[];
  sources: SourceConfig;
  /** The known agents the source configuration lists (the story's three agents). */
  agents: ConfigAgent[];
  /** Path of the written source configuration (`<dataDir>/devnet/sources.json`). */
  sourcesFile: string;
  blobStore: BlobStore;
  /** Stops both anvils (waiting for their state dumps) and the blob store. */
  stop(): Promise<void>;
}

/**
 * Ports of the previous run's chains and blob store, so a restart keeps its URLs (and
 * sources.json stays byte-identical) whenever those ports are still free.
 */
async function previousPorts(sourcesFile: string) {
  const previous = await loadSourceConfig(sourcesFile).catch(() => []);
  const chains = new Map<number, number>();
  let blobStore: number | undefined;
  for (const row of previous) {
    chains.set(row.chainId, Number(new URL(row.rpcUrl).port));
    if (row.blobStoreUrl) blobStore = Number(new URL(row.blobStoreUrl).port);
  }
  return { chains, blobStore };
}

/**
 * Starts the two local chains (10740 and 8453, state in `<dataDir>/anvil/<chainId>.json` so
 * they survive restarts; a fresh one starts DEVNET_HISTORY_SECONDS in the past), the blob
 * store (`<dataDir>/blobs`), deploys or reuses the look-alike contracts, and writes the
 * source configuration to `<dataDir>/devnet/sources.json`. If anything fails, whatever was
 * started is stopped before the error is rethrown.
 */
export async function startDevnet(options: {
  dataDir: string;
  blockTime?: number;
}): Promise<Devnet> {
  const stateFile = (chainId: number) => path.join(options.dataDir, "anvil", `${chainId}.json`);
  const sourcesFile = path.join(options.dataDir, "devnet", "sources.json");
  const ports = await previousPorts(sourcesFile);
  const genesisTimestamp = Math.floor(Date.now() / 1000) - DEVNET_HISTORY_SECONDS;
  const stoppers: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.all(stoppers.map((fn) => fn()));
  };
  try {
    // allSettled, not all: when one chain fails to start, the other must still be stopped.
    const results = await Promise.allSettled(
      [DEVNET_CHAIN_IDS.og, DEVNET_CHAIN_IDS.base].map((chainId) =>
        startAnvil({
          chainId,
          stateFile: stateFile(chainId),
          blockTime: options.blockTime,
          preferredPort: ports.chains.get(chainId),
          genesisTimestamp,
        }),
      ),
    );
    const started = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    for (const anvil of started) stoppers.push(() => anvil.stop());
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    const [og, base] = started;
    if (!og || !base) throw new Error("Devnet chains did not start.");
    const blobStore = await startBlobStore({
      dir: path.join(options.dataDir, "blobs"),
      preferredPort: ports.blobStore,
    });
    stoppers.push(() => blobStore.stop());
    const sources = await deployDevnet({
      og: { rpcUrl: og.rpcUrl },
      base: { rpcUrl: base.rpcUrl },
      outFile: sourcesFile,
      blobStoreUrl: blobStore.url,
    });
    const chains = [og, base].map(({ chainId, rpcUrl }) => ({ chainId, rpcUrl }));
    log.info({ chains, blob_store: blobStore.url, sources_file: sourcesFile }, "Devnet ready");
    return { chains, sources, agents: [...STORY_AGENTS], sourcesFile, blobStore, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
