import "server-only";
import { getBlockTime, getChainHead } from "@/lib/chain/rpc";
import { chainName } from "@/lib/chain/chains";
import { displayRpcUrl, redactSecrets } from "@/lib/chain/redact-url";
import { loadSourceConfig } from "@/lib/chain/source-config";
import { rpcPlaceholders, sourcesFile } from "@/lib/env";
import { log } from "@/lib/log";

export interface ChainStatus {
  chainId: number;
  name: string;
  /** Scheme, host and port only: credentials, path tokens and query keys are secrets. */
  rpcUrl: string;
  sources: number;
  head: { blockNumber: string; timestamp: string } | null;
  error: string | null;
}

/**
 * Every chain named in the source configuration, with its head block read live from
 * its RPC endpoint. A chain that does not answer is reported with the reason.
 */
export async function getChainStatuses(): Promise<{ file: string; chains: ChainStatus[] }> {
  const file = sourcesFile();
  const sources = await loadSourceConfig(file, { env: rpcPlaceholders() });
  const byChain = new Map<number, { rpcUrl: string; sources: number }>();
  for (const s of sources) {
    const entry = byChain.get(s.chainId) ?? { rpcUrl: s.rpcUrl, sources: 0 };
    entry.sources++;
    byChain.set(s.chainId, entry);
  }
  const chains = await Promise.all(
    [...byChain].map(async ([chainId, { rpcUrl, sources: count }]): Promise<ChainStatus> => {
      const shown = displayRpcUrl(rpcUrl);
      const base = { chainId, name: chainName(chainId), rpcUrl: shown, sources: count };
      try {
        const head = await getChainHead(rpcUrl);
        if (head.chainId !== chainId) {
          const error = `RPC answers chain id ${head.chainId}, configuration says ${chainId}`;
          return { ...base, head: null, error };
        }
        const blockNumber = head.blockNumber.toString();
        return {
          ...base,
          head: { blockNumber, timestamp: head.timestamp.toISOString() },
          error: null,
        };
      } catch (error) {
        return {
          ...base,
          head: null,
          error: redactSecrets(
            error instanceof Error ? error.message.split("\n")[0]! : String(error),
            [rpcUrl],
          ),
        };
      }
    }),
  );
  return { file, chains: chains.sort((a, b) => b.chainId - a.chainId) };
}

/**
 * The time of a block on a configured chain: from the indexed evidence when we hold it
 * (any event row of that block), else from the chain's RPC. Null when the chain is not
 * configured or the block does not exist.
 */
export async function blockTimeOf(
  chainId: number,
  number: bigint,
  indexed: (chainId: number, number: bigint) => Promise<Date | null>,
): Promise<Date | null> {
  const known = await indexed(chainId, number);
  if (known) return known;
  // Note: without a readable source configuration there is no RPC to ask; the caller then
  // says the block is not known, which is what the person can act on.
  const sources = await loadSourceConfig(sourcesFile(), { env: rpcPlaceholders() }).catch(
    (error: Error) => {
      log.warn(
        { error: error.message, chain_id: chainId },
        "No source configuration for block times",
      );
      return [];
    },
  );
  const rpcUrl = sources.find((s) => s.chainId === chainId)?.rpcUrl;
  if (!rpcUrl) return null;
  return getBlockTime(rpcUrl, number).catch(() => null);
}
