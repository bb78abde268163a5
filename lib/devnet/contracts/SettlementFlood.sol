// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Emits many settlement-relay events per transaction
/// @notice Not part of the devnet story: the indexer benchmark and the reliability tests need
///         hundreds of thousands of `IndividualSettlement` logs, shaped like real ones (a
///         256-byte RSA signature and a 43-character blob id), without hundreds of thousands of
///         transactions. Configure it as a `settlement_relay` source.
contract SettlementFlood {
    event IndividualSettlement(
        bytes32 indexed teeId,
        address indexed ethAddress,
        bytes32 inputHash,
        bytes32 outputHash,
        uint256 timestamp,
        bytes walrusBlobId,
        bytes signature
    );

    uint256 public emitted;

    /// @notice Emits `count` settlements whose hashes derive from `salt` and a running counter,
    ///         so every event of every call is distinct.
    function flood(uint256 count, bytes32 salt) external {
        bytes memory signature = new bytes(256);
        for (uint256 j = 0; j < 256; j += 32) {
            bytes32 chunk = keccak256(abi.encode(salt, j));
            assembly {
                mstore(add(add(signature, 32), j), chunk)
            }
        }
        bytes memory blobId = bytes("flood-blob-0000000000000000000000000000000");
        bytes32 teeId = keccak256(abi.encode(salt));
        uint256 start = emitted;
        for (uint256 i = 0; i < count; i++) {
            bytes32 input = keccak256(abi.encode(salt, start + i, "in"));
            emit IndividualSettlement(
                teeId,
                msg.sender,
                input,
                keccak256(abi.encode(input)),
                block.timestamp,
                blobId,
                signature
            );
        }
        emitted = start + count;
    }
}
