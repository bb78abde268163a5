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

/** How the linker fares (issue 15): its last passes, its last error, the receipts set aside. */
export const linkerStatusSchema = z.object({
  /** The last pass, whatever its outcome; null before the first. */
  lastPassAt: z.string().nullable(),
  /** The last pass in which every step ran (receipts set aside do not fail a pass). */
  lastSuccessAt: z.string().nullable(),
  lastDurationMs: z.number().int().nullable(),
  /** The last error: a step that failed as a whole, or a pass that failed. Kept after recovery. */
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  /** Passes in a row that failed; 0 means the last pass succeeded. */
  consecutiveFailures: z.number().int(),
  /** Receipts set aside from a step (open findings of kind unprocessable_evidence). */
  setAside: z.number().int(),
});

/** One chain's indexer loop as its heartbeat shows it (issue 16), judged on the database clock. */
export const chainHealthSchema = z.object({
  chainId: z.number().int(),
  name: z.string(),
  state: z.enum(["ok", "starting", "stale", "rpc_unreachable", "stopped", "indexer_down"]),
  /** A sentence for people: what is wrong and the last error, or "Following the head." */
  message: z.string(),
  beatAt: z.string().nullable(),
  syncedAt: z.string().nullable(),
  headBlock: z.string().nullable(),
  rpcReachable: z.boolean().nullable(),
  lastError: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  consecutiveFailures: z.number().int(),
});

/** A process `npm start` keeps running (the indexer, the embedded PostgreSQL). */
export const supervisorSummarySchema = z.object({
  name: z.string(),
  state: z.enum(["running", "restarting", "stopped"]),
  restarts: z.number().int(),
  lastExitAt: z.string().nullable(),
  lastExitReason: z.string().nullable(),
  message: z.string(),
});

export const indexerHealthSchema = z.object({
  staleAfterSeconds: z.number().int(),
  chains: z.array(chainHealthSchema),
  /** Null when no `npm start` supervises the processes (systemd, containers). */
  supervisor: z.array(supervisorSummarySchema).nullable(),
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
  linker: linkerStatusSchema,
  health: indexerHealthSchema,
});

export type SourceStatus = z.infer<typeof sourceStatusSchema>;
export type LinkerStatus = z.infer<typeof linkerStatusSchema>;
export type ChainHealth = z.infer<typeof chainHealthSchema>;
export type SupervisorSummary = z.infer<typeof supervisorSummarySchema>;
export type IndexerHealth = z.infer<typeof indexerHealthSchema>;
export type IndexerStatus = z.infer<typeof indexerStatusSchema>;
