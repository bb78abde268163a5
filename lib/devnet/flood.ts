import { encodeFunctionData, keccak256, numberToHex, toHex, type Address, type Hex } from "viem";
import type { SourceConfig } from "@/lib/chain/source-config";
import { startAnvil, type AnvilInstance } from "./anvil";
import { createDevnetClients } from "./clients";
import { compileContracts } from "./compile";

/**
 * A local anvil with a SettlementFlood contract (many IndividualSettlement logs per
 * transaction), driven block by block: what the indexer's reliability tests and its benchmark
 * (`npm run bench:indexer`) index. Automine is off; `mine()` mines one block holding whatever
 * was sent.
 */
export interface FloodChain {
  anvil: AnvilInstance;
  rpcUrl: string;
  address: Address;
  sources: SourceConfig;
  deployer: Address;
  /** Sends one flood transaction (mined with the next block). */
  send(count: number, salt: string): Promise<Hex>;
  /** Mines one block; returns its number. */
  mine(): Promise<bigint>;
  rpc<T>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

export async function startFloodChain(
  options: { chainId?: number; rpcUrl?: (anvilUrl: string) => string } = {},
): Promise<FloodChain> {
  const chainId = options.chainId ?? 10740;
  const anvil = await startAnvil({ chainId });
  try {
    const clients = await createDevnetClients(chainId, anvil.rpcUrl);
    const artifacts = await compileContracts();
    const { abi, bytecode } = artifacts.SettlementFlood;
    const hash = await clients.walletClient.deployContract({
      abi,
      bytecode,
      account: clients.deployer,
    });
    const receipt = await clients.publicClient.waitForTransactionReceipt({ hash });
    const address = receipt.contractAddress!;
    const rpc = async <T>(method: string, params: unknown[] = []) =>
      (await clients.publicClient.request({ method, params } as never)) as T;
    await rpc("evm_setAutomine", [false]);
    return {
      anvil,
      rpcUrl: anvil.rpcUrl,
      address,
      deployer: clients.deployer,
      sources: [
        {
          chainId,
          rpcUrl: options.rpcUrl ? options.rpcUrl(anvil.rpcUrl) : anvil.rpcUrl,
          kind: "settlement_relay",
          address,
          abiVersion: 2,
          fromBlock: 0,
          label: "Settlement flood",
        },
      ],
      rpc,
      async send(count, salt) {
        const data = encodeFunctionData({
          abi,
          functionName: "flood",
          args: [BigInt(count), keccak256(toHex(salt))],
        });
        return rpc<Hex>("eth_sendTransaction", [
          {
            from: clients.deployer,
            to: address,
            data,
            gas: numberToHex(30_000n + 12_000n * BigInt(count)),
          },
        ]);
      },
      async mine() {
        await rpc("evm_mine", []);
        return BigInt(await rpc<string>("eth_blockNumber"));
      },
      stop: () => anvil.stop(),
    };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
