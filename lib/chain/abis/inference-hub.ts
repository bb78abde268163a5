import { parseAbi } from "viem";

/**
 * Tensor structs shared by ONNX inputs and outputs (OpenGradient's `TensorLib`). Numbers are
 * fixed point: `value / 10 ** decimals`. Note: `shape` is `uint32[]` and `ModelOutput` has a
 * `jsons` member; one copy of the SDK's `inference.abi` has `int256[]` and no `jsons`, which
 * hashes to a different topic0. Only this layout matches the FACTS hashes.
 */
const TENSOR_STRUCTS = [
  "struct Number { int128 value; int128 decimals; }",
  "struct MultiDimensionalNumberTensor { string name; Number[] values; uint32[] shape; }",
  "struct StringTensor { string name; string[] values; }",
  "struct JsonScalar { string name; string value; }",
] as const;

/** `ModelOutput` and the structs it needs; reused by the workflow ABI. */
export const MODEL_OUTPUT_STRUCTS = [
  ...TENSOR_STRUCTS,
  "struct ModelOutput { MultiDimensionalNumberTensor[] numbers; StringTensor[] strings; JsonScalar[] jsons; bool is_simulation_result; }",
] as const;

/**
 * OpenGradient inference hub (0x8383…) and inference precompile (0x…F4) on chain 10740. The
 * precompile emits the request/response events (`LLMCompletionEvent`, `ModelInferenceEvent`,
 * `LLMChat`, each starting with an `inferenceID`); the hub emits the results
 * (`InferenceResult`, `LLMCompletionResult`). No parameter is indexed, so every filter is by
 * topic0 and address only. The model identity is `request.modelCID`.
 *
 * Mode codes differ: ONNX requests use VANILLA 0, ZKML 1, TEE 2; LLM requests VANILLA 0, TEE 1.
 * Types come from OpenGradient's SDK ABIs (`inference.abi`, `InferencePrecompile.abi`); member
 * names of `ModelInferenceRequest` are ours (names do not enter the topic hash).
 */
export const INFERENCE_HUB_ABI = parseAbi([
  ...MODEL_OUTPUT_STRUCTS,
  "struct ModelInput { MultiDimensionalNumberTensor[] numbers; StringTensor[] strings; }",
  "struct ModelInferenceRequest { uint8 mode; string modelCID; ModelInput input; }",
  "struct LLMCompletionRequest { uint8 mode; string modelCID; string prompt; uint32 max_tokens; string[] stop_sequence; uint32 temperature; }",
  "struct LLMCompletionResponse { string answer; }",
  "struct ToolCall { string id; string name; string arguments; }",
  "struct ChatMessage { string role; string content; string name; string tool_call_id; ToolCall[] tool_calls; }",
  "struct ToolDefinition { string description; string name; string parameters; }",
  "struct LLMChatRequest { uint8 mode; string modelCID; ChatMessage[] messages; ToolDefinition[] tools; string tool_choice; uint32 max_tokens; string[] stop_sequence; uint32 temperature; }",
  "struct LLMChatResponse { string finish_reason; ChatMessage message; }",
  "event LLMCompletionEvent(string inferenceID, LLMCompletionRequest request, LLMCompletionResponse response)",
  "event ModelInferenceEvent(string inferenceID, ModelInferenceRequest request, ModelOutput response)",
  "event LLMChat(string inferenceID, LLMChatRequest request, LLMChatResponse response)",
  "event InferenceResult(ModelOutput output)",
  "event LLMCompletionResult(LLMCompletionResponse response)",
]);
