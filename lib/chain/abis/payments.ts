import { parseAbi } from "viem";

/**
 * The OPG token (an ERC-20, 18 decimals) as far as payments need it: `Transfer`, the EIP-3009
 * `AuthorizationUsed` (a `transferWithAuthorization` payment) and the reads used to label
 * amounts.
 */
export const OPG_TOKEN_ABI = parseAbi([
  "event Transfer(address indexed from, address indexed to, uint256 value)",
  "event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce)",
  "function decimals() view returns (uint8)",
  "function symbol() view returns (string)",
  "function balanceOf(address owner) view returns (uint256)",
]);

/**
 * The x402 Permit2 proxies (`upto` and `exact`). Their events carry no data: a payment is the
 * token's `Transfer` in the same transaction as `Settled()` or `SettledWithPermit()`.
 */
export const X402_PROXY_ABI = parseAbi(["event Settled()", "event SettledWithPermit()"]);
