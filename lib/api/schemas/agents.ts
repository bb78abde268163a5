import { z } from "zod";
import { addressSchema, textSchema } from "@/lib/api/schemas/common";

/** Agent registry bodies are a few fields; anything larger is refused before parsing. */
export const MAX_AGENT_BODY_BYTES = 4 * 1024;

/** How a person names an agent: 1–80 characters of plain text, trimmed, no control characters. */
export const agentLabelSchema = textSchema(200)
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, "is required: name the agent so people can tell it apart")
      .max(80, "must be at most 80 characters")
      .refine((s) => !/\p{Cc}/u.test(s), "must not contain control characters"),
  );

export const AGENT_ORIGINS = ["config", "admin"] as const;
export const AGENT_TRUST = ["known", "unknown"] as const;
export type AgentTrust = (typeof AGENT_TRUST)[number];

export const addAgentBodySchema = z.strictObject({
  address: addressSchema,
  label: agentLabelSchema,
});

/** One change to a known agent: a new label, retirement (unknown again) or reinstatement. */
export const changeAgentBodySchema = z.discriminatedUnion(
  "action",
  [
    z.strictObject({ action: z.literal("relabel"), label: agentLabelSchema }),
    z.strictObject({ action: z.literal("retire") }),
    z.strictObject({ action: z.literal("reinstate") }),
  ],
  {
    error:
      'must be { "action": "relabel", "label" }, { "action": "retire" } or { "action": "reinstate" }',
  },
);
export type AgentChange = z.output<typeof changeAgentBodySchema>;

export const knownAgentSchema = z.object({
  address: z.string(),
  label: z.string(),
  origin: z.enum(AGENT_ORIGINS),
  status: z.enum(["known", "retired"]),
  addedBy: z.string(),
  addedAt: z.string(),
  retiredAt: z.string().nullable(),
  retiredBy: z.string().nullable(),
  /** Agent actions stored for this address. */
  actions: z.number().int(),
});
export type KnownAgent = z.infer<typeof knownAgentSchema>;

export const agentListSchema = z.object({ agents: z.array(knownAgentSchema) });
export const agentAnswerSchema = z.object({ agent: knownAgentSchema });
