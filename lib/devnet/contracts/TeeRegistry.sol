// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Devnet look-alike of OpenGradient's TEE registry
/// @notice Emits exactly the registry's events (both PCRRevoked versions) and returns the og-evm
///         `getTEE` tuple. There is no attestation or RSA precompile on anvil, so registration
///         trusts the caller's PCR hash and heartbeats are not signature-checked.
contract TeeRegistry {
    struct TEEInfo {
        address owner;
        address paymentAddress;
        string endpoint;
        bytes publicKey;
        bytes tlsCertificate;
        bytes32 pcrHash;
        uint8 teeType;
        bool enabled;
        uint256 registeredAt;
        uint256 lastHeartbeatAt;
    }

    struct ApprovedPCR {
        bool active;
        uint256 approvedAt;
        string version;
    }

    event TEETypeAdded(uint8 indexed typeId, string name);
    event PCRApproved(bytes32 indexed pcrHash, uint8 indexed teeType, string version);
    event PCRRevoked(bytes32 indexed pcrHash, uint8 indexed teeType);
    /// @dev The og-evm registry's revocation event, kept so the indexer's V1 path is exercised.
    event PCRRevoked(bytes32 indexed pcrHash);
    event TEERegistered(bytes32 indexed teeId, address indexed owner, uint8 teeType);
    event TEEDisabled(bytes32 indexed teeId);
    event TEEEnabled(bytes32 indexed teeId);
    event HeartbeatReceived(bytes32 indexed teeId, uint256 timestamp);

    error NotAdmin();
    error NotOperator();
    error NotTEEOwner();
    error InvalidTEEType();
    error TEETypeExists();
    error PCRNotApproved();
    error TEEAlreadyExists();
    error TEENotFound();
    error TEENotEnabled();
    error TEEAlreadyEnabled();

    address public admin;
    mapping(address => bool) public operators;
    mapping(uint8 => string) public teeTypeNames;
    mapping(uint8 => bool) public teeTypeExists;
    mapping(uint8 => mapping(bytes32 => ApprovedPCR)) public approvedPCRs;
    mapping(bytes32 => TEEInfo) private _tees;
    bytes32[] private _teeIds;

    modifier onlyAdmin() {
        if (msg.sender != admin) revert NotAdmin();
        _;
    }

    modifier onlyTEEOwnerOrAdmin(bytes32 teeId) {
        if (_tees[teeId].registeredAt == 0) revert TEENotFound();
        if (msg.sender != admin && msg.sender != _tees[teeId].owner) revert NotTEEOwner();
        _;
    }

    constructor() {
        admin = msg.sender;
        operators[msg.sender] = true;
    }

    function setOperator(address operator, bool allowed) external onlyAdmin {
        operators[operator] = allowed;
    }

    function addTEEType(uint8 typeId, string calldata name) external onlyAdmin {
        if (teeTypeExists[typeId]) revert TEETypeExists();
        teeTypeExists[typeId] = true;
        teeTypeNames[typeId] = name;
        emit TEETypeAdded(typeId, name);
    }

    function approvePCR(bytes32 pcrHash, uint8 teeType, string calldata version) external onlyAdmin {
        if (!teeTypeExists[teeType]) revert InvalidTEEType();
        approvedPCRs[teeType][pcrHash] = ApprovedPCR(true, block.timestamp, version);
        emit PCRApproved(pcrHash, teeType, version);
    }

    /// @notice Revokes a runtime image: every enabled TEE running it is disabled first, as the
    ///         real registry does, so a rollback shows up as TEEDisabled events plus PCRRevoked.
    function revokePCR(bytes32 pcrHash, uint8 teeType) external onlyAdmin {
        _revoke(pcrHash, teeType);
        emit PCRRevoked(pcrHash, teeType);
    }

    /// @notice Same as revokePCR but emits the older `PCRRevoked(bytes32)` event.
    function revokePCRLegacy(bytes32 pcrHash, uint8 teeType) external onlyAdmin {
        _revoke(pcrHash, teeType);
        emit PCRRevoked(pcrHash);
    }

    /// @notice Registers an enclave; its id is keccak256 of its public key (DER SPKI bytes).
    function registerTEE(
        bytes calldata publicKey,
        bytes calldata tlsCertificate,
        address paymentAddress,
        string calldata endpoint,
        bytes32 pcrHash,
        uint8 teeType
    ) external returns (bytes32 teeId) {
        if (!operators[msg.sender]) revert NotOperator();
        if (!teeTypeExists[teeType]) revert InvalidTEEType();
        if (!approvedPCRs[teeType][pcrHash].active) revert PCRNotApproved();
        teeId = keccak256(publicKey);
        if (_tees[teeId].registeredAt != 0) revert TEEAlreadyExists();
        _tees[teeId] = TEEInfo({
            owner: msg.sender,
            paymentAddress: paymentAddress,
            endpoint: endpoint,
            publicKey: publicKey,
            tlsCertificate: tlsCertificate,
            pcrHash: pcrHash,
            teeType: teeType,
            enabled: true,
            registeredAt: block.timestamp,
            lastHeartbeatAt: block.timestamp
        });
        _teeIds.push(teeId);
        emit TEERegistered(teeId, msg.sender, teeType);
    }

    function disableTEE(bytes32 teeId) external onlyTEEOwnerOrAdmin(teeId) {
        if (!_tees[teeId].enabled) revert TEENotEnabled();
        _tees[teeId].enabled = false;
        emit TEEDisabled(teeId);
    }

    /// @notice Re-enables a TEE; refused while its runtime image is revoked.
    function enableTEE(bytes32 teeId) external onlyTEEOwnerOrAdmin(teeId) {
        TEEInfo storage tee = _tees[teeId];
        if (tee.enabled) revert TEEAlreadyEnabled();
        if (!approvedPCRs[tee.teeType][tee.pcrHash].active) revert PCRNotApproved();
        tee.enabled = true;
        emit TEEEnabled(teeId);
    }

    /// @param signature Accepted and ignored: anvil has no RSA-PSS precompile to check it.
    function heartbeat(bytes32 teeId, uint256 timestamp, bytes calldata signature)
        external
        onlyTEEOwnerOrAdmin(teeId)
    {
        signature;
        _tees[teeId].lastHeartbeatAt = block.timestamp;
        emit HeartbeatReceived(teeId, timestamp);
    }

    function getTEE(bytes32 teeId) external view returns (TEEInfo memory) {
        if (_tees[teeId].registeredAt == 0) revert TEENotFound();
        return _tees[teeId];
    }

    function isPCRApproved(uint8 teeType, bytes32 pcrHash) external view returns (bool) {
        return approvedPCRs[teeType][pcrHash].active;
    }

    function getTEEIds() external view returns (bytes32[] memory) {
        return _teeIds;
    }

    function computePCRHash(bytes calldata pcr0, bytes calldata pcr1, bytes calldata pcr2)
        external
        pure
        returns (bytes32)
    {
        return keccak256(abi.encodePacked(pcr0, pcr1, pcr2));
    }

    function _revoke(bytes32 pcrHash, uint8 teeType) private {
        if (!approvedPCRs[teeType][pcrHash].active) revert PCRNotApproved();
        approvedPCRs[teeType][pcrHash].active = false;
        for (uint256 i = 0; i < _teeIds.length; i++) {
            TEEInfo storage tee = _tees[_teeIds[i]];
            if (tee.enabled && tee.teeType == teeType && tee.pcrHash == pcrHash) {
                tee.enabled = false;
                emit TEEDisabled(_teeIds[i]);
            }
        }
    }
}
