import { createConfig, http, injected, mock, type CreateConnectorFn } from "wagmi";
import type { Address } from "viem";
import { base, ogEvm } from "@/lib/chain/chains";

declare global {
  interface Window {
    /** Set by browser tests (before the page loads) to sign in with wagmi's mock connector. */
    __PROVENANCE_MOCK_ACCOUNTS__?: readonly Address[];
  }
}

/**
 * The wallet configuration: the browser's injected wallet for people; wagmi's mock
 * connector too when a test has put accounts on `window` before the page loaded.
 */
export function createWagmiConfig() {
  const connectors: CreateConnectorFn[] = [injected()];
  const testAccounts =
    typeof window === "undefined" ? undefined : window.__PROVENANCE_MOCK_ACCOUNTS__;
  if (testAccounts?.length) {
    connectors.push(mock({ accounts: testAccounts as [Address, ...Address[]] }));
  }
  return createConfig({
    chains: [ogEvm, base],
    connectors,
    ssr: true,
    transports: { [ogEvm.id]: http(), [base.id]: http() },
  });
}
