// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./OgTypes.sol";

/// @title Devnet look-alike of OpenGradient's inference hub and inference precompile
/// @notice On OpenGradient the precompile at 0x…F4 runs the model and emits the request and
///         response (LLMCompletionEvent, ModelInferenceEvent, LLMChat), and the hub emits the
///         result. Anvil runs no models, so the caller supplies the answer and this one
///         contract emits both halves in the same transaction.
contract InferenceHub {
    event LLMCompletionEvent(
        string inferenceID, LLMCompletionRequest request, LLMCompletionResponse response
    );
    event ModelInferenceEvent(
        string inferenceID, ModelInferenceRequest request, ModelOutput response
    );
    event LLMChat(string inferenceID, LLMChatRequest request, LLMChatResponse response);
    event InferenceResult(ModelOutput output);
    event LLMCompletionResult(LLMCompletionResponse response);

    uint256 public inferenceCount;

    /// @notice An LLM completion for `request` that answered `answer`.
    function runLLMCompletion(LLMCompletionRequest memory request, string memory answer)
        external
        returns (LLMCompletionResponse memory response)
    {
        response = LLMCompletionResponse(answer);
        emit LLMCompletionEvent(_nextInferenceId(), request, response);
        emit LLMCompletionResult(response);
    }

    /// @notice An ONNX model run of `modelCID` on `input` that produced `output`.
    function run(
        string memory modelCID,
        uint8 inferenceMode,
        ModelInput memory input,
        ModelOutput memory output
    ) external returns (ModelOutput memory) {
        ModelInferenceRequest memory request = ModelInferenceRequest(inferenceMode, modelCID, input);
        emit ModelInferenceEvent(_nextInferenceId(), request, output);
        emit InferenceResult(output);
        return output;
    }

    /// @notice An LLM chat for `request` that answered `response`. The real hub's chat result
    ///         event is not among the indexed events, so only the precompile's LLMChat is emitted.
    function runLLMChat(LLMChatRequest memory request, LLMChatResponse memory response)
        external
        returns (string memory inferenceID)
    {
        inferenceID = _nextInferenceId();
        emit LLMChat(inferenceID, request, response);
    }

    function _nextInferenceId() private returns (string memory) {
        inferenceCount += 1;
        return string.concat("devnet-", _toString(inferenceCount));
    }

    function _toString(uint256 value) private pure returns (string memory) {
        if (value == 0) return "0";
        uint256 digits;
        for (uint256 v = value; v != 0; v /= 10) digits++;
        bytes memory out = new bytes(digits);
        for (; value != 0; value /= 10) out[--digits] = bytes1(uint8(48 + (value % 10)));
        return string(out);
    }
}
