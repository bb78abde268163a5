/** Every TanStack Query key, in one place, so live updates invalidate the right queries. */
export const queryKeys = {
  indexerStatus: ["indexer-status"] as const,
};
