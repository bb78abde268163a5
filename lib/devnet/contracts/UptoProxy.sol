// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IERC20Like {
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

/// @title Devnet look-alike of the x402 `upto` Permit2 proxy
/// @notice The real proxy pulls tokens through Permit2 with the payer's signature; here a plain
///         ERC-20 allowance to this contract stands in. What matters for the indexer is the
///         shape of the settling transaction: the token's Transfer and this contract's Settled()
///         (or SettledWithPermit()) in the same receipt. Only facilitators may settle, since an
///         allowance (unlike a Permit2 signature) does not bind the amount or recipient.
contract UptoProxy {
    event Settled();
    event SettledWithPermit();

    error NotAdmin();
    error NotFacilitator();
    error TransferFailed();

    address public admin;
    mapping(address => bool) public facilitators;

    modifier onlyFacilitator() {
        if (!facilitators[msg.sender]) revert NotFacilitator();
        _;
    }

    constructor() {
        admin = msg.sender;
        facilitators[msg.sender] = true;
    }

    function setFacilitator(address facilitator, bool allowed) external {
        if (msg.sender != admin) revert NotAdmin();
        facilitators[facilitator] = allowed;
    }

    /// @notice Settles an upto session: moves `amount` (at most what was authorised) to `to`.
    function settle(address token, address from, address to, uint256 amount)
        external
        onlyFacilitator
    {
        _pull(token, from, to, amount);
        emit Settled();
    }

    /// @notice The variant whose payer approved through a permit in the same flow.
    function settleWithPermit(address token, address from, address to, uint256 amount)
        external
        onlyFacilitator
    {
        _pull(token, from, to, amount);
        emit SettledWithPermit();
    }

    function _pull(address token, address from, address to, uint256 amount) private {
        if (!IERC20Like(token).transferFrom(from, to, amount)) revert TransferFailed();
    }
}
