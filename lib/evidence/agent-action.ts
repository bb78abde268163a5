import { hashTypedData, verifyTypedData, type Address, type Hex } from "viem";

/**
 * The statement an agent signs when it reports an action: EIP-712 typed data under the
 * domain `{ name: "Provenance", version: "1", chainId }`, chainId being the chain the agent
 * acts on. Earlier actions are cited by their digest, so citations are content-addressed
 * and anyone can re-check them.
 */
export const AGENT_ACTION_TYPES = {
  AgentAction: [
    { name: "agent", type: "address" },
    { name: "kind", type: "string" },
    { name: "summary", type: "string" },
    { name: "citedOutputs", type: "bytes32[]" },
    { name: "citedActions", type: "bytes32[]" },
    { name: "txHash", type: "bytes32" },
    { name: "occurredAt", type: "uint64" },
  ],
} as const;

export const AGENT_ACTION_KINDS = [
  "onchain_tx",
  "settings_change",
  "memory_write",
  "other",
] as const;
export type AgentActionKind = (typeof AGENT_ACTION_KINDS)[number];

/** `txHash` when the action has no transaction. */
export const NO_TX_HASH = `0x${"0".repeat(64)}` as Hex;

export interface AgentActionMessage {
  agent: Address;
  kind: AgentActionKind;
  summary: string;
  citedOutputs: readonly Hex[];
  citedActions: readonly Hex[];
  txHash: Hex;
  occurredAt: bigint;
}

/** The EIP-712 domain for statements about actions on `chainId`. */
export function agentActionDomain(chainId: number) {
  return { name: "Provenance", version: "1", chainId } as const;
}

/** The typed-data envelope viem signs and verifies. */
export function agentActionTypedData(chainId: number, message: AgentActionMessage) {
  return {
    domain: agentActionDomain(chainId),
    types: AGENT_ACTION_TYPES,
    primaryType: "AgentAction" as const,
    message,
  };
}

/** The EIP-712 digest of a statement: its identity, and how later actions cite it. */
export function agentActionDigest(chainId: number, message: AgentActionMessage): Hex {
  return hashTypedData(agentActionTypedData(chainId, message));
}

/** Whether `signature` is `message.agent`'s signature over the statement (EOA keys). */
export async function verifyAgentActionSignature(
  chainId: number,
  message: AgentActionMessage,
  signature: Hex,
): Promise<boolean> {
  try {
    return await verifyTypedData({
      ...agentActionTypedData(chainId, message),
      address: message.agent,
      signature,
    });
  } catch {
    return false;
  }
}
