import { defineChain } from "viem";
import { base } from "viem/chains";

/** OpenGradient's EVM chain (devnet id 10740): registry, settlement relay, inference hub. */
export const ogEvm = defineChain({
  id: 10740,
  name: "OpenGradient EVM",
  nativeCurrency: { name: "OpenGradient", symbol: "OG", decimals: 18 },
  rpcUrls: { default: { http: ["http://127.0.0.1:8545"] } },
});

/** Base mainnet (8453): x402 payments in OPG. */
export { base };

/** A short human name for a chain id, for labels. */
export function chainName(chainId: number): string {
  if (chainId === ogEvm.id) return "OpenGradient EVM";
  if (chainId === base.id) return "Base";
  if (chainId === 84532) return "Base Sepolia";
  return `Chain ${chainId}`;
}
