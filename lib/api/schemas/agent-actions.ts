import { z } from "zod";
import {
  addressSchema,
  batchResultSchema,
  chainIdSchema,
  evidenceSecondsSchema,
  hash32Schema,
  hexBytesSchema,
  textSchema,
} from "@/lib/api/schemas/common";
import { AGENT_ACTION_KINDS } from "@/lib/evidence/agent-action";

/** At most this many bytes in one agent-action request body. */
export const MAX_AGENT_ACTION_BODY_BYTES = 1024 * 1024;
/** At most this many statements in one request. */
export const MAX_AGENT_ACTIONS_PER_REQUEST = 500;
const MAX_CITATIONS = 256;

/** The signed statement's message, as JSON (uint64 as a number or decimal string). */
export const agentActionMessageSchema = z
  .object({
    agent: addressSchema,
    kind: z.enum(AGENT_ACTION_KINDS),
    summary: textSchema(2000).refine((v: string) => v.length > 0, "must say what the agent did"),
    citedOutputs: z.array(hash32Schema).max(MAX_CITATIONS).default([]),
    citedActions: z.array(hash32Schema).max(MAX_CITATIONS).default([]),
    txHash: hash32Schema.optional(),
    occurredAt: evidenceSecondsSchema,
  })
  .refine((m) => m.citedOutputs.length + m.citedActions.length > 0, {
    message: "must cite at least one output hash or earlier action",
    path: ["citedOutputs"],
  })
  .refine((m) => new Set(m.citedOutputs).size === m.citedOutputs.length, {
    message: "lists the same output hash twice",
    path: ["citedOutputs"],
  })
  .refine((m) => new Set(m.citedActions).size === m.citedActions.length, {
    message: "lists the same action twice",
    path: ["citedActions"],
  });

/**
 * POST /api/v1/agent-actions body. The signature is checked separately so that a missing
 * or wrong one answers 401, not 422.
 */
export const agentActionBodySchema = z.object({
  chainId: chainIdSchema,
  action: agentActionMessageSchema,
  signature: z.unknown().optional().meta({
    type: "string",
    pattern: "^0x([0-9a-fA-F]{2})+$",
    description: "0x-hex EIP-712 signature of the statement by action.agent",
  }),
});

export const agentActionSignatureSchema = hexBytesSchema;

/** Many statements at once, stored in order in one transaction (later ones may cite earlier ones). */
export const agentActionBatchSchema = z.object({
  actions: z
    .array(agentActionBodySchema)
    .min(1, "must hold at least one statement")
    .max(
      MAX_AGENT_ACTIONS_PER_REQUEST,
      `must hold at most ${MAX_AGENT_ACTIONS_PER_REQUEST} statements`,
    ),
});

export const agentActionBatchResultSchema = batchResultSchema({ digest: z.string() });

export const agentActionResultSchema = z.object({
  id: z.string(),
  digest: z.string(),
  status: z.enum(["created", "duplicate"]),
});

export type AgentActionBody = z.output<typeof agentActionBodySchema>;
export type AgentActionResult = z.infer<typeof agentActionResultSchema>;
