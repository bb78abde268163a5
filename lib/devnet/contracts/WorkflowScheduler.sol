// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./OgTypes.sol";

/// @title Devnet look-alike of OpenGradient's workflow scheduler
/// @notice Same task events as the real scheduler. On OpenGradient, `InferenceResultEmitted` is
///         emitted by each workflow contract when its scheduled run completes; the look-alike
///         offers `emitInferenceResult` so one contract covers both.
contract WorkflowScheduler {
    struct Task {
        address user;
        address contractAddress;
        uint256 endTime;
        uint256 frequency;
    }

    event TaskRegistered(
        address indexed user, address indexed contractAddress, uint256 endTime, uint256 frequency
    );
    event TaskUpdated(
        address indexed user,
        address indexed contractAddress,
        uint256 newEndTime,
        uint256 newFrequency
    );
    event TaskStopped(address indexed user, address indexed contractAddress);
    event InferenceResultEmitted(address indexed caller, ModelOutput result);

    error TaskExists();
    error TaskNotFound();

    mapping(bytes32 => Task) public tasks;
    bytes32[] public taskIds;

    function registerTask(address contractAddress, uint256 endTime, uint256 frequency) external {
        bytes32 id = _taskId(msg.sender, contractAddress);
        if (tasks[id].user != address(0)) revert TaskExists();
        tasks[id] = Task(msg.sender, contractAddress, endTime, frequency);
        taskIds.push(id);
        emit TaskRegistered(msg.sender, contractAddress, endTime, frequency);
    }

    function updateTask(address contractAddress, uint256 newEndTime, uint256 newFrequency)
        external
    {
        Task storage task = _ownTask(contractAddress);
        task.endTime = newEndTime;
        task.frequency = newFrequency;
        emit TaskUpdated(msg.sender, contractAddress, newEndTime, newFrequency);
    }

    function stopTask(address contractAddress) external {
        Task storage task = _ownTask(contractAddress);
        task.endTime = block.timestamp;
        emit TaskStopped(msg.sender, contractAddress);
    }

    function emitInferenceResult(ModelOutput memory result) external {
        emit InferenceResultEmitted(msg.sender, result);
    }

    function getAllTasks() external view returns (Task[] memory all) {
        all = new Task[](taskIds.length);
        for (uint256 i = 0; i < taskIds.length; i++) all[i] = tasks[taskIds[i]];
    }

    function _ownTask(address contractAddress) private view returns (Task storage task) {
        task = tasks[_taskId(msg.sender, contractAddress)];
        if (task.user == address(0)) revert TaskNotFound();
    }

    function _taskId(address user, address contractAddress) private pure returns (bytes32) {
        return keccak256(abi.encodePacked(user, contractAddress));
    }
}
