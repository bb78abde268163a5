// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// File-level structs shared by the inference hub and the workflow scheduler look-alikes. Their
// layouts must match OpenGradient's ABIs exactly: they are hashed into the events' topic0.

/// @dev Fixed-point number: value / 10 ** decimals.
struct Number {
    int128 value;
    int128 decimals;
}

struct MultiDimensionalNumberTensor {
    string name;
    Number[] values;
    uint32[] shape;
}

struct StringTensor {
    string name;
    string[] values;
}

struct JsonScalar {
    string name;
    string value;
}

struct ModelInput {
    MultiDimensionalNumberTensor[] numbers;
    StringTensor[] strings;
}

struct ModelOutput {
    MultiDimensionalNumberTensor[] numbers;
    StringTensor[] strings;
    JsonScalar[] jsons;
    bool is_simulation_result;
}

/// @dev mode: VANILLA 0, ZKML 1, TEE 2 (ONNX codes; LLM requests use VANILLA 0, TEE 1).
struct ModelInferenceRequest {
    uint8 mode;
    string modelCID;
    ModelInput input;
}

struct LLMCompletionRequest {
    uint8 mode;
    string modelCID;
    string prompt;
    uint32 max_tokens;
    string[] stop_sequence;
    uint32 temperature;
}

struct LLMCompletionResponse {
    string answer;
}

struct ToolCall {
    string id;
    string name;
    string arguments;
}

struct ChatMessage {
    string role;
    string content;
    string name;
    string tool_call_id;
    ToolCall[] tool_calls;
}

struct ToolDefinition {
    string description;
    string name;
    string parameters;
}

struct LLMChatRequest {
    uint8 mode;
    string modelCID;
    ChatMessage[] messages;
    ToolDefinition[] tools;
    string tool_choice;
    uint32 max_tokens;
    string[] stop_sequence;
    uint32 temperature;
}

struct LLMChatResponse {
    string finish_reason;
    ChatMessage message;
}
