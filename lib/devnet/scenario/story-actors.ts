import { keccak256, encodePacked, type Address, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { DEVNET_ENCLAVE_KEYS } from "./enclave-keys";
import { STORY_ENCLAVES, type EnclaveName } from "./plan";

// Note: anvil's public test mnemonic. Its accounts are unlocked on every devnet; agents
// need the private keys as well, to sign their EIP-712 statements locally.
const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";

/** Account roles: 0 deploys and runs the gateway, relay and facilitator; 2–4 pay; 5–7 are agents. */
export const PAYER_ACCOUNTS = [2, 3, 4].map((i) =>
  mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i }),
);
export const AGENT_ACCOUNTS = [5, 6, 7].map((i) =>
  mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i }),
);
/**
 * The story's agents as the devnet's sources config lists them: known agents, whose actions
 * are the blast radius headline (anyone else's are shown apart as unknown agents).
 */
export const STORY_AGENTS = AGENT_ACCOUNTS.map((account, i) => ({
  address: account.address,
  label: `Story agent ${"ABC"[i]} (anvil account ${i + 5})`,
}));
export const OPERATOR = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 0 });
/** Where agents' on-chain actions go: a stand-in for a DEX router. */
export const AGENT_COUNTERPARTY: Address = "0x00000000000000000000000000000000000dec5a";

/**
 * A runtime image's PCR hash as the registry computes it:
 * keccak256(abi.encodePacked(pcr0, pcr1, pcr2)), with 48-byte PCRs derived from the label.
 */
export function pcrHashOf(version: string): Hex {
  const pcr = (n: number) => {
    const seed = keccak256(encodePacked(["string"], [`${version}/pcr${n}`]));
    return `${seed}${seed.slice(2, 34)}` as Hex;
  };
  return keccak256(encodePacked(["bytes", "bytes", "bytes"], [pcr(0), pcr(1), pcr(2)]));
}

/** The key and registry facts of one story enclave. */
export function enclaveOf(name: EnclaveName) {
  const spec = STORY_ENCLAVES.find((e) => e.name === name)!;
  const key = DEVNET_ENCLAVE_KEYS[spec.keyIndex]!;
  return { ...spec, key, teeId: key.teeId, pcrHash: pcrHashOf(spec.version) };
}
