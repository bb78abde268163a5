/**
 * Every TanStack Query key, in one place. Live updates invalidate `evidence` (every query
 * under it) when the indexer commits; the indexer status card polls on its own.
 */
export const queryKeys = {
  indexerStatus: ["indexer-status"] as const,
  evidence: ["evidence"] as const,
  timeline: (model: string, params: string) => ["evidence", "timeline", model, params] as const,
  inferences: (params: string) => ["evidence", "inferences", params] as const,
  /** Who this browser is signed in as. */
  session: ["session"] as const,
  blastRows: (incident: string, computation: string, part: string, after: number) =>
    ["evidence", "blast-rows", incident, computation, part, after] as const,
  auditVerify: ["audit-verify"] as const,
  /** The share links to one output, dispute or incident (auditors see them). */
  shareLinks: (scopeType: string, scopeId: string) => ["share-links", scopeType, scopeId] as const,
};
