import pg from "pg";
import { encodeFunctionData, keccak256, numberToHex, toHex, type Address, type Hex } from "viem";
import type { SourceConfig } from "@/lib/chain/source-config";
import { startAnvil, type AnvilInstance } from "@/lib/devnet/anvil";
import { createDevnetClients } from "@/lib/devnet/clients";
import { compileContracts } from "@/lib/devnet/compile";

/**
 * A local anvil with a SettlementFlood contract (many IndividualSettlement logs per
 * transaction), driven block by block: what the indexer's reliability tests and the benchmark
 * index. Automine is off; `mine()` mines one block holding whatever was sent.
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

/** The live settlement rows, as comparable strings (what a fresh index must reproduce). */
export async function liveSettlements(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ r: string }>(
    `SELECT concat_ws(' ', block_number, block_hash, tx_hash, log_index, kind, tee_id, eth_address, input_hash, output_hash,
                      timestamp, blob_id, signature, block_time) AS r
       FROM settlement WHERE orphaned_at IS NULL ORDER BY block_number, log_index`,
  );
  return rows.map((row) => row.r);
}

/** Empties everything the indexer writes, so one database serves many scenarios. */
export async function resetIndexedData(pool: pg.Pool) {
  await pool.query(
    `TRUNCATE block, source_checkpoint, settlement, batch_leaf, registry_event, enclave, hub_event, workflow_event,
              payment, payment_allocation, finding, deployment, inference, model_version, model, runtime_image, source, chain CASCADE`,
  );
}
