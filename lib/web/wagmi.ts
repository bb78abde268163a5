import { createConfig, http, injected, mock, type CreateConnectorFn } from "wagmi";
import type { Address, Chain } from "viem";
import { base, ogEvm } from "@/lib/chain/chains";

/**
 * A test wallet a browser test puts on `window` before the page loads: wagmi's mock
 * connector with these accounts. The mock connector sends signing requests (personal_sign,
 * eth_signTypedData_v4) to the chain's RPC, so `rpcUrl` must be a node that holds the
 * accounts' keys: the devnet's anvil, whose default accounts are unlocked.
 */
export interface MockWallet {
  accounts: readonly Address[];
  rpcUrl: string;
}

declare global {
  interface Window {
    __PROVENANCE_MOCK_WALLET__?: MockWallet;
  }
}

/**
 * The wallet configuration: the browser's injected wallet for people; wagmi's mock
 * connector too when a test has put a mock wallet on `window` before the page loaded.
 */
export function createWagmiConfig() {
  const connectors: CreateConnectorFn[] = [injected()];
  const wallet = typeof window === "undefined" ? undefined : window.__PROVENANCE_MOCK_WALLET__;
  let chains: [Chain, ...Chain[]] = [ogEvm, base];
  if (wallet?.accounts.length) {
    connectors.push(mock({ accounts: wallet.accounts as [Address, ...Address[]] }));
    chains = [{ ...ogEvm, rpcUrls: { default: { http: [wallet.rpcUrl] } } }, base];
  }
  return createConfig({
    chains,
    connectors,
    ssr: true,
    transports: { [ogEvm.id]: http(), [base.id]: http() },
  });
}
