import { getAddress, type Address, type Hex } from "viem";
import {
  loadSourceConfig,
  writeSourceConfig,
  type SourceConfig,
  type SourceKind,
  type SourceRow,
} from "@/lib/chain/source-config";
import { log } from "@/lib/log";
import { createDevnetClients, type DevnetClients } from "./clients";
import { compileContracts, type Artifacts, type ContractName } from "./compile";
import { STORY_AGENTS } from "./scenario/story-actors";

/** Chain ids of the two devnet chains: OpenGradient's EVM and Base. */
export const DEVNET_CHAIN_IDS = { og: 10740, base: 8453 } as const;

/** OPG minted to the deployer at deployment: 1e9 tokens of 18 decimals. */
export const OPG_INITIAL_SUPPLY = 10n ** 27n;

/** TEE types every registry starts with (FACTS: 0 LLM proxy, 1 validator). */
export const DEVNET_TEE_TYPES = [
  { typeId: 0, name: "LLM Proxy" },
  { typeId: 1, name: "Validator" },
] as const;

interface PlannedContract {
  name: ContractName;
  kind: SourceKind;
  abiVersion: number;
  label: string;
  args?: readonly unknown[];
}

/** What goes on which chain, in deployment (and sources.json) order. */
export const DEVNET_PLAN: Record<keyof typeof DEVNET_CHAIN_IDS, readonly PlannedContract[]> = {
  og: [
    { name: "TeeRegistry", kind: "tee_registry", abiVersion: 1, label: "Devnet TEE registry" },
    {
      name: "SettlementRelay",
      kind: "settlement_relay",
      abiVersion: 2,
      label: "Devnet settlement relay",
    },
    { name: "InferenceHub", kind: "inference_hub", abiVersion: 1, label: "Devnet inference hub" },
    {
      name: "WorkflowScheduler",
      kind: "workflow_scheduler",
      abiVersion: 1,
      label: "Devnet workflow scheduler",
    },
  ],
  base: [
    {
      name: "OpgToken",
      kind: "opg_token",
      abiVersion: 1,
      label: "Devnet OPG token",
      args: [OPG_INITIAL_SUPPLY],
    },
    { name: "UptoProxy", kind: "x402_proxy", abiVersion: 1, label: "Devnet x402 upto proxy" },
  ],
};

async function readPrevious(file: string): Promise<SourceConfig> {
  try {
    return await loadSourceConfig(file);
  } catch {
    return []; // first run, or an unreadable file: deploy afresh
  }
}

/**
 * The previous rows for this chain, if every planned contract is still there with exactly the
 * code we compile now (a restarted anvil without its state, or edited contracts, both fail).
 */
async function reusableRows(
  clients: DevnetClients,
  rpcUrl: string,
  plan: readonly PlannedContract[],
  previous: SourceConfig,
  artifacts: Artifacts,
): Promise<SourceRow[] | undefined> {
  const rows: SourceRow[] = [];
  for (const planned of plan) {
    const row = previous.find(
      (r) => r.chainId === clients.chain.id && r.kind === planned.kind && r.label === planned.label,
    );
    if (!row) return undefined;
    const code = await clients.publicClient.getCode({ address: row.address });
    if (code?.toLowerCase() !== artifacts[planned.name].deployedBytecode.toLowerCase()) {
      return undefined;
    }
    rows.push({ ...row, rpcUrl });
  }
  return rows;
}

async function send(clients: DevnetClients, hash: Hex) {
  const receipt = await clients.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`Devnet transaction ${hash} reverted.`);
  return receipt;
}

async function deployOne(clients: DevnetClients, artifacts: Artifacts, planned: PlannedContract) {
  const { abi, bytecode } = artifacts[planned.name];
  const hash = await clients.walletClient.deployContract({
    abi,
    bytecode,
    args: planned.args ?? [],
    account: clients.deployer,
  });
  const receipt = await send(clients, hash);
  if (!receipt.contractAddress) throw new Error(`Deploying ${planned.name} created no contract.`);
  return { address: receipt.contractAddress, blockNumber: receipt.blockNumber };
}

/** Gives a fresh registry its TEE types, as OpenGradient's admin did after deploying. */
async function setUpRegistry(clients: DevnetClients, artifacts: Artifacts, registry: Address) {
  for (const { typeId, name } of DEVNET_TEE_TYPES) {
    const hash = await clients.walletClient.writeContract({
      address: registry,
      abi: artifacts.TeeRegistry.abi,
      functionName: "addTEEType",
      args: [typeId, name],
      account: clients.deployer,
    });
    await send(clients, hash);
  }
}

async function deployChain(
  chainKey: keyof typeof DEVNET_CHAIN_IDS,
  rpcUrl: string,
  previous: SourceConfig,
  artifacts: Artifacts,
): Promise<SourceRow[]> {
  const chainId = DEVNET_CHAIN_IDS[chainKey];
  const clients = await createDevnetClients(chainId, rpcUrl);
  const actual = await clients.publicClient.getChainId();
  if (actual !== chainId) {
    throw new Error(`The ${chainKey} devnet at ${rpcUrl} has chain id ${actual}, not ${chainId}.`);
  }
  const plan = DEVNET_PLAN[chainKey];
  const reused = await reusableRows(clients, rpcUrl, plan, previous, artifacts);
  if (reused) {
    log.info({ chain_id: chainId, contracts: reused.length }, "Reusing devnet deployment");
    return reused;
  }
  const rows: SourceRow[] = [];
  for (const planned of plan) {
    const { address, blockNumber } = await deployOne(clients, artifacts, planned);
    if (planned.name === "TeeRegistry") await setUpRegistry(clients, artifacts, address);
    const { kind, abiVersion, label } = planned;
    rows.push({
      chainId,
      rpcUrl,
      kind,
      address,
      abiVersion,
      fromBlock: Number(blockNumber),
      label,
    });
  }
  log.info(
    { chain_id: chainId, addresses: Object.fromEntries(rows.map((r) => [r.kind, r.address])) },
    "Deployed devnet contracts",
  );
  return rows;
}

/**
 * Deploys the look-alike contracts (registry, relay, hub and workflow scheduler on chain 10740;
 * OPG token and upto proxy on 8453) from anvil's first dev account, and writes the resulting
 * source configuration to `outFile`. Idempotent: when `outFile` already describes a deployment
 * whose code is still on chain, that deployment is reused (only rpcUrl is refreshed). Throws
 * when an RPC has the wrong chain id or a deployment transaction fails.
 */
export async function deployDevnet(args: {
  og: { rpcUrl: string };
  base: { rpcUrl: string };
  outFile: string;
  artifacts?: Artifacts;
  /** The local blob store's URL, written on the settlement relay's row. */
  blobStoreUrl?: string;
}): Promise<SourceConfig> {
  const artifacts = args.artifacts ?? (await compileContracts());
  const previous = await readPrevious(args.outFile);
  const [og, base] = await Promise.all([
    deployChain("og", args.og.rpcUrl, previous, artifacts),
    deployChain("base", args.base.rpcUrl, previous, artifacts),
  ]);
  const rows = [...og, ...base].map((row): SourceRow => {
    if (row.kind === "settlement_relay" && args.blobStoreUrl) {
      return { ...row, blobStoreUrl: args.blobStoreUrl };
    }
    if (row.kind === "opg_token") return { ...row, payees: [DEVNET_PAYEE] };
    return row;
  });
  // The story's three agents are the devnet's known agents.
  return writeSourceConfig(args.outFile, rows, STORY_AGENTS);
}

/** x402 payments on the devnet go to OpenGradient's default TEE payee (FACTS.md). */
export const DEVNET_PAYEE = getAddress("0x9deEBB5D1b22e4a6e027977CeAd13893A7E4cC1a");
