import { z } from "zod";

/** One version of a model: a runtime image ("pcr:…") or a content id ("cid:…"). */
export const versionSchema = z.object({
  id: z.string(),
  label: z.string(),
  key: z.string(),
});

/** A model as the models page and GET /api/v1/models show it. */
export const modelSummarySchema = z.object({
  name: z.string().meta({ description: 'e.g. "llm:openai/gpt-4.1" or "onnx:<CID>"' }),
  kind: z.string(),
  versions: z.array(
    versionSchema.extend({
      inferences: z.number().int(),
      live: z.boolean().meta({ description: "Live now, from the deployment records" }),
    }),
  ),
  requests24h: z.number().int().meta({ description: "Inferences in the 24 h before `now`" }),
  inferences: z.number().int(),
  openFindings: z.number().int(),
  lastInferenceAt: z.string().nullable(),
});
export type ModelSummary = z.infer<typeof modelSummarySchema>;

export const modelListSchema = z.object({
  now: z.string(),
  models: z.array(modelSummarySchema),
});
export type ModelList = z.infer<typeof modelListSchema>;
