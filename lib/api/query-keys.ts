/**
 * Every TanStack Query key, in one place. Live updates invalidate `evidence` (every query
 * under it) when the indexer commits; the indexer status card polls on its own.
 */
export const queryKeys = {
  indexerStatus: ["indexer-status"] as const,
  evidence: ["evidence"] as const,
  timeline: (model: string, params: string) => ["evidence", "timeline", model, params] as const,
  inferences: (params: string) => ["evidence", "inferences", params] as const,
};
