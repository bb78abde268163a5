import path from "node:path";
import { loadSourceConfig, type SourceConfig } from "@/lib/chain/source-config";
import { log } from "@/lib/log";
import { startAnvil } from "./anvil";
import { DEVNET_CHAIN_IDS, deployDevnet } from "./deploy";

export { startAnvil, type AnvilInstance, type AnvilOptions } from "./anvil";
export { compileContracts, CONTRACT_NAMES, type Artifacts, type ContractName } from "./compile";
export { createDevnetClients, type DevnetClients } from "./clients";
export { DEVNET_CHAIN_IDS, DEVNET_PLAN, DEVNET_TEE_TYPES, deployDevnet } from "./deploy";

/** A running devnet: both chains, the deployed sources, and one way to shut it all down. */
export interface Devnet {
  chains: { chainId: number; rpcUrl: string }[];
  sources: SourceConfig;
  /** Path of the written source configuration (`<dataDir>/devnet/sources.json`). */
  sourcesFile: string;
  /** Stops both anvils and waits for their state dumps. */
  stop(): Promise<void>;
}

/**
 * Ports of the previous run's chains, so a restart keeps its RPC URLs (and sources.json stays
 * byte-identical) whenever those ports are still free.
 */
async function portsOf(sourcesFile: string): Promise<Map<number, number>> {
  const previous = await loadSourceConfig(sourcesFile).catch(() => []);
  const ports = previous.map((row) => [row.chainId, Number(new URL(row.rpcUrl).port)] as const);
  return new Map(ports.filter(([, port]) => port > 0));
}

/**
 * Starts the two local chains (10740 and 8453, state in `<dataDir>/anvil/<chainId>.json` so
 * they survive restarts), deploys or reuses the look-alike contracts, and writes the source
 * configuration to `<dataDir>/devnet/sources.json`. A restart reuses the previous ports when they
 * are free. If anything fails, the chains already started are stopped before the error is
 * rethrown.
 */
export async function startDevnet(options: {
  dataDir: string;
  blockTime?: number;
}): Promise<Devnet> {
  const stateFile = (chainId: number) => path.join(options.dataDir, "anvil", `${chainId}.json`);
  const sourcesFile = path.join(options.dataDir, "devnet", "sources.json");
  const previousPorts = await portsOf(sourcesFile);
  // allSettled, not all: when one chain fails to start, the other must still be stopped.
  const results = await Promise.allSettled(
    [DEVNET_CHAIN_IDS.og, DEVNET_CHAIN_IDS.base].map((chainId) =>
      startAnvil({
        chainId,
        stateFile: stateFile(chainId),
        blockTime: options.blockTime,
        preferredPort: previousPorts.get(chainId),
      }),
    ),
  );
  const started = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const stop = async () => {
    await Promise.all(started.map((anvil) => anvil.stop()));
  };
  try {
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    const [og, base] = started;
    if (!og || !base) throw new Error("Devnet chains did not start.");
    const sources = await deployDevnet({
      og: { rpcUrl: og.rpcUrl },
      base: { rpcUrl: base.rpcUrl },
      outFile: sourcesFile,
    });
    const chains = [og, base].map(({ chainId, rpcUrl }) => ({ chainId, rpcUrl }));
    log.info({ chains, sources_file: sourcesFile }, "Devnet ready");
    return { chains, sources, sourcesFile, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
