import { FACTS_TOPICS } from "@/lib/chain/topics";
import {
  bytesToUtf8,
  decodeBatchSettlement,
  decodeIndividualSettlement,
  decodeWithAbi,
} from "../decode";
import { SETTLEMENT_RELAY_LEGACY_ABI } from "@/lib/chain/abis";
import type { SettlementRow } from "../rows";
import { logRef, lower, type SourceModule } from "./types";

const EMPTY = {
  teeId: null,
  ethAddress: null,
  inputHash: null,
  outputHash: null,
  timestamp: null,
  blobId: null,
  signature: null,
  merkleRoot: null,
  batchSize: null,
  modelInfo: null,
} as const;

/** uint256 seconds as a Date, or null beyond what a timestamp can hold. */
function secondsToDate(seconds: bigint): Date | null {
  return seconds < 8_640_000_000_000n ? new Date(Number(seconds) * 1000) : null;
}

/**
 * The settlement relay: individual settlements and Merkle batches (current), and the three
 * legacy events of earlier deployments. Batch leaves are expanded later from the blob store.
 */
export const settlementRelaySource: SourceModule = {
  kind: "settlement_relay",
  topics: new Set([
    FACTS_TOPICS.IndividualSettlement,
    FACTS_TOPICS.BatchSettlement,
    FACTS_TOPICS.LegacySettlement,
    FACTS_TOPICS.LegacyBatchSettlement,
    FACTS_TOPICS.SettlementWithMetadata,
  ]),
  collect(ctx, logs, out) {
    for (const log of logs) {
      const ref = logRef(ctx, log);
      let row: SettlementRow;
      switch (log.topics[0]) {
        case FACTS_TOPICS.IndividualSettlement: {
          const a = decodeIndividualSettlement(log);
          row = {
            ...ref,
            ...EMPTY,
            kind: "individual",
            teeId: a.teeId,
            ethAddress: a.ethAddress,
            inputHash: a.inputHash,
            outputHash: a.outputHash,
            timestamp: secondsToDate(a.timestamp),
            blobId: bytesToUtf8(a.walrusBlobId),
            signature: a.signature,
          };
          break;
        }
        case FACTS_TOPICS.BatchSettlement: {
          const a = decodeBatchSettlement(log);
          row = {
            ...ref,
            ...EMPTY,
            kind: "batch",
            merkleRoot: a.merkleRoot,
            batchSize: a.batchSize <= 2_147_483_647n ? Number(a.batchSize) : null,
            blobId: bytesToUtf8(a.walrusBlobId),
          };
          break;
        }
        default: {
          const { eventName, args } = decodeWithAbi(SETTLEMENT_RELAY_LEGACY_ABI, log);
          const size = args.batchSize as bigint | undefined;
          row = {
            ...ref,
            ...EMPTY,
            kind:
              eventName === "Settlement"
                ? "legacy_settlement"
                : eventName === "BatchSettlement"
                  ? "legacy_batch"
                  : "legacy_with_metadata",
            inputHash: args.inputHash ? lower(args.inputHash) : null,
            outputHash: args.outputHash ? lower(args.outputHash) : null,
            merkleRoot: args.merkleRoot ? lower(args.merkleRoot) : null,
            batchSize: size !== undefined && size <= 2_147_483_647n ? Number(size) : null,
            modelInfo:
              typeof args.modelInfo === "string" ? args.modelInfo.replaceAll("\u0000", "") : null,
          };
        }
      }
      out.settlements.push(row);
    }
  },
};
