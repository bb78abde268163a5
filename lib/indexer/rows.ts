import type { Hex } from "viem";
import type { BlockHeader } from "@/lib/chain/get-logs";

/** Where a chain-derived row comes from: one log of one source. */
export interface LogRef {
  chainId: number;
  blockNumber: bigint;
  blockHash: Hex;
  txHash: Hex;
  logIndex: number;
  sourceId: string;
  /** The block's time. */
  blockTime: Date;
}

export interface RegistryEventRow extends LogRef {
  eventName: string;
  teeId: Hex | null;
  pcrHash: Hex | null;
  teeType: number | null;
  version: string | null;
  owner: Hex | null;
  data: Record<string, unknown>;
}

export interface EnclaveRow extends LogRef {
  registryAddress: Hex;
  teeId: Hex;
  owner: Hex;
  paymentAddress: Hex | null;
  endpoint: string | null;
  publicKey: Hex;
  pcrHash: Hex;
  teeType: number;
  enabled: boolean;
  registeredAt: Date;
  lastHeartbeatAt: Date | null;
  keyReadAtBlock: bigint;
}

export type SettlementKind =
  "individual" | "batch" | "legacy_settlement" | "legacy_batch" | "legacy_with_metadata";

export interface SettlementRow extends LogRef {
  kind: SettlementKind;
  teeId: Hex | null;
  ethAddress: Hex | null;
  inputHash: Hex | null;
  outputHash: Hex | null;
  timestamp: Date | null;
  blobId: string | null;
  signature: Hex | null;
  merkleRoot: Hex | null;
  batchSize: number | null;
  modelInfo: string | null;
}

export interface HubEventRow extends LogRef {
  eventName: string;
  inferenceId: string | null;
  mode: number | null;
  modelCid: string | null;
  request: unknown;
  response: unknown;
}

export interface WorkflowEventRow extends LogRef {
  eventName: string;
  user: Hex | null;
  contractAddress: Hex | null;
  endTime: string | null;
  frequency: string | null;
  data: Record<string, unknown>;
}

export interface PaymentRow extends LogRef {
  token: Hex;
  fromAddress: Hex;
  toAddress: Hex;
  value: string;
  settleEvent: "Settled" | "SettledWithPermit" | "AuthorizationUsed";
  authorizer: Hex | null;
  nonce: Hex | null;
  occurredAt: Date;
}

/** Everything one block range of one chain produced, written in one transaction. */
export interface RowBatch {
  registryEvents: RegistryEventRow[];
  enclaves: EnclaveRow[];
  settlements: SettlementRow[];
  hubEvents: HubEventRow[];
  workflowEvents: WorkflowEventRow[];
  payments: PaymentRow[];
  /** Headers of the range's unfinalized blocks, for reorg detection. */
  blocks: BlockHeader[];
  /** Logs no decoder knew, per source id. */
  unknown: Map<string, number>;
}

export function emptyBatch(): RowBatch {
  return {
    registryEvents: [],
    enclaves: [],
    settlements: [],
    hubEvents: [],
    workflowEvents: [],
    payments: [],
    blocks: [],
    unknown: new Map(),
  };
}

/** Number of evidence rows in a batch (what progress counts as events). */
export function batchSize(b: RowBatch): number {
  return (
    b.registryEvents.length +
    b.settlements.length +
    b.hubEvents.length +
    b.workflowEvents.length +
    b.payments.length
  );
}
