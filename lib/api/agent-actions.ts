import type { Hex } from "viem";
import { z } from "zod";
import { unauthorized, validationFailed } from "@/lib/api/errors";
import {
  agentActionBatchSchema,
  agentActionBodySchema,
  agentActionSignatureSchema,
  type AgentActionBody,
} from "@/lib/api/schemas/agent-actions";
import {
  agentActionDigest,
  NO_TX_HASH,
  verifyAgentActionSignature,
  type AgentActionMessage,
} from "@/lib/evidence/agent-action";

export interface VerifiedStatement {
  chainId: number;
  message: AgentActionMessage;
  signature: Hex;
  digest: Hex;
}

/**
 * Validates a posted agent action, or `{ actions: [...] }`, and checks that each agent
 * itself signed its statement. Shape errors are 422; a missing, malformed or wrong
 * signature is 401 naming the item; either way nothing is stored.
 */
export async function parseSignedAgentActions(
  body: unknown,
): Promise<{ batch: boolean; statements: VerifiedStatement[] }> {
  const batch = typeof body === "object" && body !== null && "actions" in body;
  const parsed = (batch ? agentActionBatchSchema : agentActionBodySchema).safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error as z.ZodError);
  const items = batch
    ? (parsed.data as z.output<typeof agentActionBatchSchema>).actions
    : [parsed.data as AgentActionBody];
  const statements = await Promise.all(
    items.map((item, i) => verifyStatement(item, batch ? `actions[${i}]: ` : "")),
  );
  return { batch, statements };
}

async function verifyStatement(item: AgentActionBody, prefix: string): Promise<VerifiedStatement> {
  const { chainId, action, signature: rawSignature } = item;
  if (rawSignature === undefined || rawSignature === null || rawSignature === "") {
    throw unauthorized(
      `${prefix}The statement is unsigned: sign it as EIP-712 typed data with the agent's key and send it as \`signature\`.`,
    );
  }
  const signature = agentActionSignatureSchema.safeParse(rawSignature);
  if (!signature.success) {
    throw unauthorized(
      `${prefix}\`signature\` must be the 0x-hex EIP-712 signature of the statement.`,
    );
  }
  const message: AgentActionMessage = { ...action, txHash: action.txHash ?? NO_TX_HASH };
  if (!(await verifyAgentActionSignature(chainId, message, signature.data))) {
    throw unauthorized(
      `${prefix}The signature does not match agent ${message.agent} for this statement on chain ${chainId}; nothing was stored.`,
    );
  }
  return {
    chainId,
    message,
    signature: signature.data,
    digest: agentActionDigest(chainId, message),
  };
}
