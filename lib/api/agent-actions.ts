import type { Hex } from "viem";
import { unauthorized, validationFailed } from "@/lib/api/errors";
import { agentActionBodySchema, agentActionSignatureSchema } from "@/lib/api/schemas/agent-actions";
import {
  agentActionDigest,
  NO_TX_HASH,
  verifyAgentActionSignature,
  type AgentActionMessage,
} from "@/lib/evidence/agent-action";

/**
 * Validates a posted agent action and checks that the agent itself signed it. Shape
 * errors are 422; a missing, malformed or wrong signature is 401, and nothing is stored.
 */
export async function parseSignedAgentAction(body: unknown): Promise<{
  chainId: number;
  message: AgentActionMessage;
  signature: Hex;
  digest: Hex;
}> {
  const parsed = agentActionBodySchema.safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error);
  const { chainId, action, signature: rawSignature } = parsed.data;
  if (rawSignature === undefined || rawSignature === null || rawSignature === "") {
    throw unauthorized(
      "The statement is unsigned: sign it as EIP-712 typed data with the agent's key and send it as `signature`.",
    );
  }
  const signature = agentActionSignatureSchema.safeParse(rawSignature);
  if (!signature.success) {
    throw unauthorized("`signature` must be the 0x-hex EIP-712 signature of the statement.");
  }
  const message: AgentActionMessage = { ...action, txHash: action.txHash ?? NO_TX_HASH };
  if (!(await verifyAgentActionSignature(chainId, message, signature.data))) {
    throw unauthorized(
      `The signature does not match agent ${message.agent} for this statement on chain ${chainId}; nothing was stored.`,
    );
  }
  return {
    chainId,
    message,
    signature: signature.data,
    digest: agentActionDigest(chainId, message),
  };
}
