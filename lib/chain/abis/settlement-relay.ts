import { parseAbi } from "viem";

/**
 * OpenGradient settlement relay (chain 10740), current events: one row per settled inference
 * (`IndividualSettlement`) or one Merkle root per batch whose tree is published to Walrus
 * (`BatchSettlement`). `walrusBlobId` carries the UTF-8 bytes of the blob id.
 */
export const SETTLEMENT_RELAY_ABI = parseAbi([
  "event IndividualSettlement(bytes32 indexed teeId, address indexed ethAddress, bytes32 inputHash, bytes32 outputHash, uint256 timestamp, bytes walrusBlobId, bytes signature)",
  "event BatchSettlement(bytes32 indexed merkleRoot, uint256 batchSize, bytes walrusBlobId)",
]);

/**
 * The relay's earlier events. Note: the legacy `BatchSettlement` has the same name as the
 * current one but no blob id, hence a different topic0; keep the two ABIs apart (or decode by
 * topic) so that a name lookup never picks the wrong layout.
 */
export const SETTLEMENT_RELAY_LEGACY_ABI = parseAbi([
  "event Settlement(bytes32 indexed inputHash, bytes32 indexed outputHash)",
  "event BatchSettlement(bytes32 indexed merkleRoot, uint256 batchSize)",
  "event SettlementWithMetadata(bytes32 indexed inputHash, bytes32 indexed outputHash, string modelInfo, bytes inputData, bytes outputData)",
]);
