import { decodeFunctionResult, encodeFunctionData, keccak256, type Hex } from "viem";
import { TEE_REGISTRY_ABI, TEE_REGISTRY_GET_TEE_V2_ABI } from "@/lib/chain/abis";
import { ethCall, getBlockNumber, type RawLog } from "@/lib/chain/get-logs";
import { RpcError } from "@/lib/chain/json-rpc";
import { FACTS_TOPICS } from "@/lib/chain/topics";
import { log as logger } from "@/lib/log";
import { decodeWithAbi, toJson } from "../decode";
import type { EnclaveRow } from "../rows";
import { logRef, lower, type SourceContext, type SourceModule } from "./types";

interface TeeInfo {
  owner: string;
  paymentAddress: string;
  endpoint: string;
  publicKey: Hex;
  pcrHash: Hex;
  teeType: number;
  enabled: boolean;
  registeredAt: bigint;
  lastHeartbeatAt: bigint;
}

/**
 * `getTEE(teeId)` at the registration block, decoded by the source's ABI version (the current
 * registry appends an `ohttpConfig` tuple). The key read there is the evidence the receipts'
 * signatures are checked against.
 */
async function readTee(
  ctx: SourceContext,
  teeId: Hex,
  blockNumber: bigint,
): Promise<{ tee: TeeInfo; readAt: bigint }> {
  const abi = ctx.source.abiVersion >= 2 ? TEE_REGISTRY_GET_TEE_V2_ABI : TEE_REGISTRY_ABI;
  const data = encodeFunctionData({ abi, functionName: "getTEE", args: [teeId] });
  const decode = (result: Hex) =>
    decodeFunctionResult({ abi, functionName: "getTEE", data: result }) as TeeInfo;
  try {
    const result = await ethCall(ctx.rpc, { to: ctx.source.address, data, blockNumber });
    return { tee: decode(result), readAt: blockNumber };
  } catch (error) {
    if (!isStateUnavailable(error)) throw error;
    // Note: a pruned node (or anvil restarted from a state dump) keeps no state for old
    // blocks. The key cannot change under its teeId (teeId = keccak256(key)), so reading it
    // at the head is still the registered key; keyReadAtBlock records where it was read.
    const head = await getBlockNumber(ctx.rpc);
    logger.warn(
      { tee_id: teeId, chain_id: ctx.source.chainId, block: String(blockNumber) },
      "No state at the registration block; reading the enclave at the head",
    );
    const result = await ethCall(ctx.rpc, { to: ctx.source.address, data, blockNumber: head });
    return { tee: decode(result), readAt: head };
  }
}

/** The provider has no state for that block: pruned, or anvil loaded from a dump. */
export function isStateUnavailable(error: unknown): boolean {
  return (
    error instanceof RpcError &&
    /BlockOutOfRange|missing trie node|state .*not available|historical state|header not found|state is not available/i.test(
      error.message,
    )
  );
}

const date = (seconds: bigint) => new Date(Number(seconds) * 1000);

async function enclaveFrom(ctx: SourceContext, log: RawLog, teeId: Hex): Promise<EnclaveRow> {
  const { tee, readAt } = await readTee(ctx, teeId, log.blockNumber);
  const publicKey = lower<Hex>(tee.publicKey);
  if (keccak256(publicKey) !== teeId) {
    // Note: kept, not dropped: the linker's signature checks will fail against this key,
    // and a Finding then shows the mismatch.
    logger.warn(
      { tee_id: teeId, chain_id: ctx.source.chainId },
      "Registered key does not hash to its teeId",
    );
  }
  const zero = /^0x0{40}$/;
  return {
    ...logRef(ctx, log),
    registryAddress: ctx.source.address,
    teeId,
    owner: lower(tee.owner),
    paymentAddress: zero.test(tee.paymentAddress) ? null : lower(tee.paymentAddress),
    endpoint: tee.endpoint || null,
    publicKey,
    pcrHash: lower(tee.pcrHash),
    teeType: Number(tee.teeType),
    enabled: tee.enabled,
    registeredAt: date(tee.registeredAt),
    lastHeartbeatAt: tee.lastHeartbeatAt > 0n ? date(tee.lastHeartbeatAt) : null,
    keyReadAtBlock: readAt,
  };
}

/**
 * The TEE registry: every event as a registry_event row (both `PCRRevoked` versions), and
 * each `TEERegistered` also as an enclave row with its key read from `getTEE`.
 */
export const teeRegistrySource: SourceModule = {
  kind: "tee_registry",
  topics: new Set([
    FACTS_TOPICS.TEETypeAdded,
    FACTS_TOPICS.PCRApproved,
    FACTS_TOPICS.PCRRevoked,
    FACTS_TOPICS.PCRRevokedV1,
    FACTS_TOPICS.TEERegistered,
    FACTS_TOPICS.TEEDisabled,
    FACTS_TOPICS.TEEEnabled,
    FACTS_TOPICS.HeartbeatReceived,
  ]),
  async collect(ctx, logs, out) {
    for (const log of logs) {
      const { eventName, args } = decodeWithAbi(TEE_REGISTRY_ABI, log);
      const teeId = args.teeId ? lower<Hex>(args.teeId) : null;
      const teeType = args.teeType ?? args.typeId;
      out.registryEvents.push({
        ...logRef(ctx, log),
        eventName,
        teeId,
        pcrHash: args.pcrHash ? lower(args.pcrHash) : null,
        teeType: teeType === undefined ? null : Number(teeType),
        version: typeof args.version === "string" ? args.version.replaceAll("\u0000", "") : null,
        owner: args.owner ? lower(args.owner) : null,
        data: toJson(args) as Record<string, unknown>,
      });
      if (eventName === "TEERegistered" && teeId)
        out.enclaves.push(await enclaveFrom(ctx, log, teeId));
    }
  },
};
