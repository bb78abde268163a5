import { createHash } from "node:crypto";
import { formatUnits, type Hex } from "viem";
import {
  agentActionDigest,
  agentActionTypedData,
  NO_TX_HASH,
  type AgentActionMessage,
} from "@/lib/evidence/agent-action";
import { buildStandardTree, type TreeDump } from "@/lib/evidence/merkle";
import { canonicalRequest, teeOutputHash, teeRequestHash } from "@/lib/evidence/tee-hash";
import { ACTION_SUMMARIES } from "./content";
import type { Rng } from "./rng";
import type { PlannedRequest, StoryPlan } from "./plan";
import { AGENT_ACCOUNTS, enclaveOf, PAYER_ACCOUNTS } from "./story-actors";
import { signTeeResponse } from "./tee-signer";

/** What an enclave produced for one LLM request. */
export interface SignedRequest {
  teeId: Hex;
  requestHash: Hex;
  outputHash: Hex;
  /** base64, as the gateway returns it. */
  signature: string;
  request: {
    model: string;
    messages: { role: string; content: string }[];
    temperature: number;
    max_tokens: number;
  };
}

/** Signs every LLM request as its enclave would (deterministic PSS salts from the seed). */
export function signRequests(plan: StoryPlan, rng: Rng): Map<number, SignedRequest> {
  const signed = new Map<number, SignedRequest>();
  for (const r of plan.requests) {
    if (r.kind !== "llm" || !r.enclave) continue;
    const enclave = enclaveOf(r.enclave);
    const request = {
      model: r.model,
      messages: [{ role: "user", content: r.prompt }],
      temperature: r.temperature,
      max_tokens: r.maxTokens,
    };
    const requestHash = teeRequestHash(canonicalRequest(request));
    const outputHash = teeOutputHash(r.reply);
    const signature = signTeeResponse({
      privateKeyPem: enclave.key.privateKeyPem,
      requestHash,
      outputHash,
      timestamp: r.time,
      salt: rng.bytes(32),
    });
    signed.set(r.index, { teeId: enclave.teeId, requestHash, outputHash, signature, request });
  }
  return signed;
}

/** Each batch's StandardMerkleTree dump, its root and a Walrus-like blob id. */
export function buildBatchBlobs(plan: StoryPlan, signed: ReadonlyMap<number, SignedRequest>) {
  const blobs = new Map<number, { root: Hex; blobId: string; dump: TreeDump }>();
  for (const b of plan.batches) {
    const values = b.requests.map((i) => {
      const s = signed.get(i)!;
      const sig = `0x${Buffer.from(s.signature, "base64").toString("hex")}`;
      return [s.teeId, s.requestHash, s.outputHash, sig, String(plan.requests[i]!.time)];
    });
    const dump = buildStandardTree(values);
    const root = dump.tree[0]!;
    // Note: Walrus blob ids are 43 url-safe base64 characters; ours derive from the root.
    const blobId = createHash("sha256").update(root).digest("base64url").slice(0, 43);
    blobs.set(b.index, { root, blobId, dump });
  }
  return blobs;
}

/** A receipt as the gateway returns it, plus what the integrator adds (session, payer). */
export function receiptFor(r: PlannedRequest, s: SignedRequest) {
  let signature = s.signature;
  if (r.receipt === "corrupted") {
    const bytes = Buffer.from(signature, "base64");
    bytes[bytes.length - 1]! ^= 0x01;
    signature = bytes.toString("base64");
  }
  return {
    id: `chatcmpl-${r.index}`,
    object: "chat.completion",
    created: r.time,
    model: r.model,
    choices: [
      { index: 0, message: { role: "assistant", content: r.reply }, finish_reason: "stop" },
    ],
    tee_signature: signature,
    tee_request_hash: s.requestHash.slice(2),
    tee_output_hash: s.outputHash.slice(2),
    tee_timestamp: r.time,
    tee_id: s.teeId,
    x402_session: r.session ?? undefined,
    payer: r.payer === null ? undefined : PAYER_ACCOUNTS[r.payer]!.address,
    ...(r.withPayload ? { request: s.request, reply: r.reply } : {}),
    ...(r.payer !== null && reportsCost(r.payer) ? { opengradient: sessionCost(r.cost) } : {}),
  };
}

/** Payers whose integrations pass on the gateway's per-request cost; the last one does not. */
const reportsCost = (payer: number) => payer !== PAYER_ACCOUNTS.length - 1;
/** The story's OPG price in USD, for the cost block's USD figures. */
const OPG_PRICE_USD = "0.05";

/**
 * The `opengradient` block the TEE gateway puts on a priced response (OpenGradient/tee-gateway
 * `tee_gateway/pricing.py`, SessionCost: every figure a string).
 */
function sessionCost(costOpg: bigint) {
  return {
    cost_opg: costOpg.toString(),
    cost_usd: formatUnits(costOpg * 5n, 20), // cost_opg / 10^18 × 0.05
    opg_price_usd: OPG_PRICE_USD,
  };
}

/**
 * The agents' signed statements in time order, citing outputs by hash and earlier actions
 * by digest; on-chain actions carry the hash of the transaction the story sent.
 */
export async function signActions(
  plan: StoryPlan,
  signed: ReadonlyMap<number, SignedRequest>,
  txHashes: ReadonlyMap<string, Hex>,
  chainId: number,
) {
  const digests = new Map<number, Hex>();
  const bodies = [];
  for (const action of plan.actions) {
    const message: AgentActionMessage = {
      agent: AGENT_ACCOUNTS[action.agent]!.address,
      kind: action.kind,
      summary: ACTION_SUMMARIES[action.kind],
      citedOutputs: action.citesRequests.map((i) => signed.get(i)!.outputHash),
      citedActions: action.citesActions.map((i) => digests.get(i)!),
      txHash: txHashes.get(`action-${action.index}`) ?? NO_TX_HASH,
      occurredAt: BigInt(action.time),
    };
    digests.set(action.index, agentActionDigest(chainId, message));
    const signature = await AGENT_ACCOUNTS[action.agent]!.signTypedData(
      agentActionTypedData(chainId, message),
    );
    bodies.push({ chainId, action: { ...message, occurredAt: action.time }, signature });
  }
  return { bodies, digests };
}
