import type { Hex } from "viem";
import { z } from "zod";
import { ApiError, unauthorized, validationFailed } from "@/lib/api/errors";
import type { WorkBudget } from "@/lib/api/rate-limit";
import {
  agentActionBatchSchema,
  agentActionBodySchema,
  agentActionSignatureSchema,
  MAX_AGENT_ACTIONS_PER_REQUEST,
  type AgentActionBody,
} from "@/lib/api/schemas/agent-actions";
import { NO_TX_HASH, type AgentActionMessage } from "@/lib/evidence/agent-action";
import type { AgentActionCheck } from "@/lib/evidence/verify-jobs";
import {
  VerifyPoolBusyError,
  VerifyWorkerError,
  type VerifyPool,
} from "@/lib/evidence/verify-pool";

export interface VerifiedStatement {
  chainId: number;
  message: AgentActionMessage;
  signature: Hex;
  digest: Hex;
}

/** Who pays for the checks and where they run. */
export interface VerificationContext {
  pool: VerifyPool;
  budget: WorkBudget;
  /** The client address the budget is kept under (lib/api/rate-limit.ts clientAddress). */
  client: string;
}

/**
 * Validates a posted agent action, or `{ actions: [...] }`, and checks that each agent
 * itself signed its statement. Shape errors are 422. Signatures are checked in order on
 * the verification pool, stopping at the first missing, malformed or wrong one: 401
 * naming that item, later items unchecked. Nothing is stored on any failure.
 *
 * Each statement posted costs the client one unit of its budget, taken before any work
 * (429 when it does not fit) and kept whatever the answer: reading and validating a
 * statement is work on the request thread too, and a refused batch must not be cheaper
 * to send again than a good one. Only a busy pool (503, nothing done) gives it back.
 */
export async function parseSignedAgentActions(
  body: unknown,
  ctx: VerificationContext,
): Promise<{ batch: boolean; statements: VerifiedStatement[] }> {
  const batch = typeof body === "object" && body !== null && "actions" in body;
  const cost = batch ? statementsIn((body as { actions: unknown }).actions) : 1;
  const reservation = ctx.budget.reserve(ctx.client, cost);
  try {
    return { batch, statements: await verifyBody(body, batch, ctx.pool) };
  } catch (error) {
    if (error instanceof ApiError && error.code === "verifier_busy") reservation.refund(cost);
    throw error;
  }
}

function statementsIn(actions: unknown): number {
  return Array.isArray(actions) ? Math.min(actions.length, MAX_AGENT_ACTIONS_PER_REQUEST) : 0;
}

async function verifyBody(
  body: unknown,
  batch: boolean,
  pool: VerifyPool,
): Promise<VerifiedStatement[]> {
  const parsed = (batch ? agentActionBatchSchema : agentActionBodySchema).safeParse(body);
  if (!parsed.success) throw validationFailed(parsed.error as z.ZodError);
  const items = batch
    ? (parsed.data as z.output<typeof agentActionBatchSchema>).actions
    : [parsed.data as AgentActionBody];
  const prefix = (i: number) => (batch ? `actions[${i}]: ` : "");

  // The cheap checks run first, in order, up to the first unsigned or malformed item:
  // only the items before it need the pool, and one of those may still fail first.
  const checks: AgentActionCheck[] = [];
  let formatError: ApiError | undefined;
  for (const [i, item] of items.entries()) {
    const check = signatureFormat(item, prefix(i));
    if (check instanceof ApiError) {
      formatError = check;
      break;
    }
    checks.push(check);
  }
  const digests = await verifyInOrder(checks, pool, prefix);
  if (formatError) throw formatError;
  return checks.map((c, i) => ({ ...c, digest: digests[i]! }));
}

async function verifyInOrder(
  checks: AgentActionCheck[],
  pool: VerifyPool,
  prefix: (i: number) => string,
): Promise<Hex[]> {
  if (checks.length === 0) return [];
  let result;
  try {
    result = await pool.run({ kind: "agent-action", items: checks });
  } catch (error) {
    if (error instanceof VerifyPoolBusyError) {
      throw serviceUnavailable(
        "verifier_busy",
        `${error.message} Nothing was checked or stored.`,
        error.retryAfterSeconds,
      );
    }
    if (error instanceof VerifyWorkerError) {
      throw serviceUnavailable(
        "verifier_failed",
        `${error.message} Nothing was stored; send it again.`,
        1,
      );
    }
    throw error;
  }
  if (result.failure) {
    const { index } = result.failure;
    const { chainId, message } = checks[index]!;
    throw unauthorized(
      `${prefix(index)}The signature does not match agent ${message.agent} for this statement on chain ${chainId}; nothing was stored.`,
    );
  }
  return result.digests ?? [];
}

function signatureFormat(item: AgentActionBody, prefix: string): AgentActionCheck | ApiError {
  const { chainId, action, signature: rawSignature } = item;
  if (rawSignature === undefined || rawSignature === null || rawSignature === "") {
    return unauthorized(
      `${prefix}The statement is unsigned: sign it as EIP-712 typed data with the agent's key and send it as \`signature\`.`,
    );
  }
  const signature = agentActionSignatureSchema.safeParse(rawSignature);
  if (!signature.success) {
    return unauthorized(
      `${prefix}\`signature\` must be the 0x-hex EIP-712 signature of the statement.`,
    );
  }
  const message: AgentActionMessage = { ...action, txHash: action.txHash ?? NO_TX_HASH };
  return { chainId, message, signature: signature.data };
}

/** 503 with Retry-After: the server, not the client, is short of capacity. */
function serviceUnavailable(code: string, message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(
    503,
    code,
    message,
    { retryAfterSeconds },
    { "Retry-After": String(retryAfterSeconds) },
  );
}
