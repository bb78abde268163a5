import { parseAbi } from "viem";
import { MODEL_OUTPUT_STRUCTS } from "./inference-hub";

/**
 * OpenGradient workflow scheduler (chain 10740): scheduled on-chain model runs. The types
 * follow OpenGradient-SDK's `WorkflowScheduler.abi`. `InferenceResultEmitted` is emitted by the
 * workflow contracts themselves (each pins its model with `modelId()`), with the same
 * `ModelOutput` tuple as the inference hub's `InferenceResult`.
 */
export const WORKFLOW_SCHEDULER_ABI = parseAbi([
  ...MODEL_OUTPUT_STRUCTS,
  "event TaskRegistered(address indexed user, address indexed contractAddress, uint256 endTime, uint256 frequency)",
  "event TaskUpdated(address indexed user, address indexed contractAddress, uint256 newEndTime, uint256 newFrequency)",
  "event TaskStopped(address indexed user, address indexed contractAddress)",
  "event InferenceResultEmitted(address indexed caller, ModelOutput result)",
]);
