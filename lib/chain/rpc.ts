import { createPublicClient, http } from "viem";

/** Head of a chain as read from its RPC endpoint right now. */
export interface ChainHead {
  chainId: number;
  blockNumber: bigint;
  timestamp: Date;
}

/**
 * Reads `eth_chainId` and the latest block from an RPC endpoint. Throws (with the
 * endpoint in the message) when it does not answer within `timeoutMs`.
 */
export async function getChainHead(rpcUrl: string, timeoutMs = 3000): Promise<ChainHead> {
  const client = createPublicClient({
    transport: http(rpcUrl, { timeout: timeoutMs, retryCount: 0 }),
  });
  const [chainId, block] = await Promise.all([
    client.getChainId(),
    client.getBlock({ blockTag: "latest" }),
  ]);
  return {
    chainId,
    blockNumber: block.number,
    timestamp: new Date(Number(block.timestamp) * 1000),
  };
}

/** The timestamp of block `number`, read from the chain; throws when it does not exist. */
export async function getBlockTime(
  rpcUrl: string,
  number: bigint,
  timeoutMs = 5000,
): Promise<Date> {
  const client = createPublicClient({
    transport: http(rpcUrl, { timeout: timeoutMs, retryCount: 1 }),
  });
  const block = await client.getBlock({ blockNumber: number });
  return new Date(Number(block.timestamp) * 1000);
}
