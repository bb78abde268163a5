// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Devnet look-alike of OpenGradient's settlement relay
/// @notice Records hashes of LLM inputs and outputs with the relay's current events, and can
///         also emit each of its legacy events so the indexer's older decoders are exercised.
///         Only registered settlers (the TEE gateway in production) may settle.
contract SettlementRelay {
    event IndividualSettlement(
        bytes32 indexed teeId,
        address indexed ethAddress,
        bytes32 inputHash,
        bytes32 outputHash,
        uint256 timestamp,
        bytes walrusBlobId,
        bytes signature
    );
    event BatchSettlement(bytes32 indexed merkleRoot, uint256 batchSize, bytes walrusBlobId);

    // Legacy events (earlier relay deployments).
    event Settlement(bytes32 indexed inputHash, bytes32 indexed outputHash);
    event BatchSettlement(bytes32 indexed merkleRoot, uint256 batchSize);
    event SettlementWithMetadata(
        bytes32 indexed inputHash,
        bytes32 indexed outputHash,
        string modelInfo,
        bytes inputData,
        bytes outputData
    );

    error NotAdmin();
    error NotSettler();

    address public admin;
    mapping(address => bool) public settlers;

    modifier onlySettler() {
        if (!settlers[msg.sender]) revert NotSettler();
        _;
    }

    constructor() {
        admin = msg.sender;
        settlers[msg.sender] = true;
    }

    function setSettler(address settler, bool allowed) external {
        if (msg.sender != admin) revert NotAdmin();
        settlers[settler] = allowed;
    }

    /// @param ethAddress The payer from the payment payload (one gateway version put the
    ///        Permit2 spender here instead, which the look-alike does not police).
    /// @param walrusBlobId UTF-8 bytes of the Walrus blob id holding the signed record.
    function settleIndividual(
        bytes32 teeId,
        address ethAddress,
        bytes32 inputHash,
        bytes32 outputHash,
        uint256 timestamp,
        bytes calldata walrusBlobId,
        bytes calldata signature
    ) external onlySettler {
        emit IndividualSettlement(
            teeId, ethAddress, inputHash, outputHash, timestamp, walrusBlobId, signature
        );
    }

    /// @param merkleRoot Root of the OpenZeppelin StandardMerkleTree published at walrusBlobId.
    function settleBatch(bytes32 merkleRoot, uint256 batchSize, bytes calldata walrusBlobId)
        external
        onlySettler
    {
        emit BatchSettlement(merkleRoot, batchSize, walrusBlobId);
    }

    function settleLegacy(bytes32 inputHash, bytes32 outputHash) external onlySettler {
        emit Settlement(inputHash, outputHash);
    }

    function settleBatchLegacy(bytes32 merkleRoot, uint256 batchSize) external onlySettler {
        emit BatchSettlement(merkleRoot, batchSize);
    }

    function settleWithMetadata(
        bytes32 inputHash,
        bytes32 outputHash,
        string calldata modelInfo,
        bytes calldata inputData,
        bytes calldata outputData
    ) external onlySettler {
        emit SettlementWithMetadata(inputHash, outputHash, modelInfo, inputData, outputData);
    }
}
