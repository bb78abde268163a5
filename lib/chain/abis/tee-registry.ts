import { parseAbi } from "viem";

/**
 * OpenGradient TEE registry (chain 10740): enclave registrations, runtime image (PCR)
 * approvals and revocations, heartbeats.
 *
 * Both versions of `PCRRevoked` are listed: the current registry emits
 * `(bytes32 indexed pcrHash, uint8 indexed teeType)`, the og-evm one emitted
 * `(bytes32 indexed pcrHash)`. Their topic0s differ, so decoding by topic picks the right one.
 * `getTEE` here returns the og-evm tuple (ABI version 1); the current registry appends an
 * `ohttpConfig` tuple, see {@link TEE_REGISTRY_GET_TEE_V2_ABI}.
 */
export const TEE_REGISTRY_ABI = parseAbi([
  "struct TEEInfo { address owner; address paymentAddress; string endpoint; bytes publicKey; bytes tlsCertificate; bytes32 pcrHash; uint8 teeType; bool enabled; uint256 registeredAt; uint256 lastHeartbeatAt; }",
  "event TEETypeAdded(uint8 indexed typeId, string name)",
  "event PCRApproved(bytes32 indexed pcrHash, uint8 indexed teeType, string version)",
  "event PCRRevoked(bytes32 indexed pcrHash, uint8 indexed teeType)",
  "event PCRRevoked(bytes32 indexed pcrHash)",
  "event TEERegistered(bytes32 indexed teeId, address indexed owner, uint8 teeType)",
  "event TEEDisabled(bytes32 indexed teeId)",
  "event TEEEnabled(bytes32 indexed teeId)",
  "event HeartbeatReceived(bytes32 indexed teeId, uint256 timestamp)",
  "function getTEE(bytes32 teeId) view returns (TEEInfo)",
  "function isPCRApproved(uint8 teeType, bytes32 pcrHash) view returns (bool)",
]);

/**
 * `getTEE` of the current registry (0x703c…, ABI version 2): the og-evm tuple followed by the
 * enclave's OHTTP key configuration.
 */
export const TEE_REGISTRY_GET_TEE_V2_ABI = parseAbi([
  "struct OHTTPConfig { uint8 keyId; uint16 kemId; uint16 kdfId; uint16 aeadId; bytes publicKey; bytes keyConfig; uint256 registeredAt; }",
  "struct TEEInfo { address owner; address paymentAddress; string endpoint; bytes publicKey; bytes tlsCertificate; bytes32 pcrHash; uint8 teeType; bool enabled; uint256 registeredAt; uint256 lastHeartbeatAt; OHTTPConfig ohttpConfig; }",
  "function getTEE(bytes32 teeId) view returns (TEEInfo)",
]);
