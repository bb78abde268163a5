import {
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Address,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";

/** viem clients for one local anvil, signing with its first unlocked dev account. */
export interface DevnetClients {
  chain: Chain;
  publicClient: PublicClient<Transport, Chain>;
  walletClient: WalletClient<Transport, Chain>;
  /** anvil's first dev account (the deployer and admin of every look-alike contract). */
  deployer: Address;
}

/**
 * Creates clients for a local anvil at `rpcUrl`. Transactions are signed by anvil itself
 * (`eth_sendTransaction` from an unlocked account), so no private key lives in this code.
 * Throws when the node has no unlocked account.
 */
export async function createDevnetClients(chainId: number, rpcUrl: string): Promise<DevnetClients> {
  const chain = defineChain({
    id: chainId,
    name: `Devnet ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
  // Anvil mines on demand, so a short polling interval keeps receipts from waiting 4 s each.
  const transport = http(rpcUrl, { retryCount: 0 });
  const publicClient = createPublicClient({ chain, transport, pollingInterval: 50 });
  const walletClient = createWalletClient({ chain, transport, pollingInterval: 50 });
  const [deployer] = await walletClient.getAddresses();
  if (!deployer) throw new Error(`The node at ${rpcUrl} has no unlocked account to deploy with.`);
  return { chain, publicClient, walletClient, deployer };
}
