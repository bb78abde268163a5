/**
 * The parts of a stored blast radius, each a table and an export section. `actions` are
 * known agents' (the headline), `unknownActions` those of agents not in the agent registry,
 * kept apart and never added to the headline.
 */
export const BLAST_PARTS = [
  "affected",
  "stale",
  "settlements",
  "payments",
  "actions",
  "unknownActions",
] as const;
export type BlastPart = (typeof BLAST_PARTS)[number];
