import type { SourceKind } from "@/lib/chain/source-config";
import { inferenceHubSource } from "./inference-hub";
import { settlementRelaySource } from "./settlement-relay";
import { teeRegistrySource } from "./tee-registry";
import type { SourceModule } from "./types";
import { workflowSchedulerSource } from "./workflow-scheduler";
import { opgTokenSource, x402ProxySource } from "./x402-payments";

export type { IndexedSource, SourceContext, SourceModule } from "./types";

/** The module that decodes each kind of source. */
export const SOURCE_MODULES: Record<SourceKind, SourceModule> = {
  tee_registry: teeRegistrySource,
  settlement_relay: settlementRelaySource,
  inference_hub: inferenceHubSource,
  workflow_scheduler: workflowSchedulerSource,
  opg_token: opgTokenSource,
  x402_proxy: x402ProxySource,
};
