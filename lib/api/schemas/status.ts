import { z } from "zod";

/** One indexed source as /api/v1/status reports it. Block numbers are decimal strings. */
export const sourceStatusSchema = z.object({
  id: z.string(),
  chainId: z.number().int(),
  kind: z.string(),
  address: z.string(),
  label: z.string(),
  enabled: z.boolean(),
  fromBlock: z.string(),
  /** Last committed block, or null before the first commit. */
  checkpointBlock: z.string().nullable(),
  checkpointAt: z.string().nullable(),
  /** The chain's head as the indexer last saw it. */
  headBlock: z.string().nullable(),
  /** Blocks between head and checkpoint; null while either is unknown. */
  lagBlocks: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  unknownEvents: z.string(),
});

export const indexerStatusSchema = z.object({
  chains: z.array(
    z.object({
      chainId: z.number().int(),
      name: z.string(),
      finalityDepth: z.number().int(),
      headBlock: z.string().nullable(),
      headSeenAt: z.string().nullable(),
    }),
  ),
  sources: z.array(sourceStatusSchema),
  findings: z.object({ open: z.number().int() }),
});

export type SourceStatus = z.infer<typeof sourceStatusSchema>;
export type IndexerStatus = z.infer<typeof indexerStatusSchema>;
