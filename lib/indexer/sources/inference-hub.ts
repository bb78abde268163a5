import { INFERENCE_HUB_ABI } from "@/lib/chain/abis";
import { FACTS_TOPICS } from "@/lib/chain/topics";
import { decodeWithAbi, toJson } from "../decode";
import { logRef, type SourceModule } from "./types";

interface HubRequest {
  mode?: number;
  modelCID?: string;
}

/**
 * The inference hub and precompile: request/response events (with the model's content id
 * and the raw mode code, whose meaning differs per event) and the hub's result events.
 */
export const inferenceHubSource: SourceModule = {
  kind: "inference_hub",
  topics: new Set([
    FACTS_TOPICS.LLMCompletionEvent,
    FACTS_TOPICS.ModelInferenceEvent,
    FACTS_TOPICS.LLMChat,
    FACTS_TOPICS.InferenceResult,
    FACTS_TOPICS.LLMCompletionResult,
  ]),
  collect(ctx, logs, out) {
    for (const log of logs) {
      const { eventName, args } = decodeWithAbi(INFERENCE_HUB_ABI, log);
      const request = args.request as HubRequest | undefined;
      out.hubEvents.push({
        ...logRef(ctx, log),
        eventName,
        inferenceId:
          typeof args.inferenceID === "string" ? args.inferenceID.replaceAll("\u0000", "") : null,
        mode: request?.mode === undefined ? null : Number(request.mode),
        modelCid: request?.modelCID ? request.modelCID.replaceAll("\u0000", "") : null,
        request: request === undefined ? null : toJson(request),
        response: toJson(args.response ?? args.output ?? null),
      });
    }
  },
};
