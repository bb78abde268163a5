import type { Abi } from "viem";
import type { SourceKind } from "../source-config";
import { INFERENCE_HUB_ABI } from "./inference-hub";
import { OPG_TOKEN_ABI, X402_PROXY_ABI } from "./payments";
import { SETTLEMENT_RELAY_ABI, SETTLEMENT_RELAY_LEGACY_ABI } from "./settlement-relay";
import { TEE_REGISTRY_ABI } from "./tee-registry";
import { WORKFLOW_SCHEDULER_ABI } from "./workflow-scheduler";

export { INFERENCE_HUB_ABI, MODEL_OUTPUT_STRUCTS } from "./inference-hub";
export { OPG_TOKEN_ABI, X402_PROXY_ABI } from "./payments";
export { SETTLEMENT_RELAY_ABI, SETTLEMENT_RELAY_LEGACY_ABI } from "./settlement-relay";
export { TEE_REGISTRY_ABI, TEE_REGISTRY_GET_TEE_V2_ABI } from "./tee-registry";
export { WORKFLOW_SCHEDULER_ABI } from "./workflow-scheduler";

/**
 * Every event ABI a source of each kind can emit, all versions together. Topics of different
 * versions never collide, so decoding a log against its kind's list by topic0 is unambiguous.
 */
export const EVENT_ABIS_BY_KIND = {
  tee_registry: [...TEE_REGISTRY_ABI],
  settlement_relay: [...SETTLEMENT_RELAY_ABI, ...SETTLEMENT_RELAY_LEGACY_ABI],
  inference_hub: [...INFERENCE_HUB_ABI],
  workflow_scheduler: [...WORKFLOW_SCHEDULER_ABI],
  opg_token: [...OPG_TOKEN_ABI],
  x402_proxy: [...X402_PROXY_ABI],
} as const satisfies Record<SourceKind, Abi>;
