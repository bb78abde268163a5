/** Anvil's default accounts 0-2 (their keys are public; anvil signs for them): the browser tests' wallets. */
export const TEST_ADMIN = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
export const TEST_OPERATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
export const TEST_VIEWER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
