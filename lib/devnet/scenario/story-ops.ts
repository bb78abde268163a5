import {
  encodeFunctionData,
  maxUint256,
  stringToHex,
  toHex,
  type Abi,
  type Address,
  type Hex,
} from "viem";
import type { Artifacts } from "@/lib/devnet/compile";
import type { ChainOp } from "./chain-driver";
import type { StoryPlan } from "./plan";
import type { SignedRequest } from "./story-evidence";
import {
  AGENT_ACCOUNTS,
  AGENT_COUNTERPARTY,
  enclaveOf,
  OPERATOR,
  PAYER_ACCOUNTS,
  pcrHashOf,
} from "./story-actors";

export interface StoryContracts {
  og: number;
  base: number;
  registry: Address;
  relay: Address;
  hub: Address;
  token: Address;
  proxy: Address;
  payee: Address;
}

const LLM_PROXY = 0;
const call = (abi: Abi, functionName: string, args: readonly unknown[]) =>
  encodeFunctionData({ abi, functionName, args } as never);

/**
 * Every transaction of the story, each at its chain time: registry changes (approvals,
 * registrations, the rollout and the revocation), settlements (individual and batch, whose
 * blobs are published separately), ONNX runs on the hub, x402 payments and agents'
 * on-chain actions.
 */
export function buildStoryOps(args: {
  plan: StoryPlan;
  contracts: StoryContracts;
  artifacts: Artifacts;
  signed: ReadonlyMap<number, SignedRequest>;
  batchBlobs: ReadonlyMap<number, { root: Hex; blobId: string }>;
}): ChainOp[] {
  const { plan, contracts: c, artifacts: a, signed } = args;
  const start = plan.options.start;
  const ops: ChainOp[] = [];
  const og = (time: number, tag: string, to: Address, data: Hex, gas = 400_000n) =>
    ops.push({ chainId: c.og, time, from: OPERATOR.address, to, data, gas, tag });
  const registry = (fn: string, ...args: unknown[]) => call(a.TeeRegistry.abi, fn, args);
  const register = (time: number, name: "A" | "B" | "C") => {
    const e = enclaveOf(name);
    const data = registry(
      "registerTEE",
      e.key.publicKeyDer,
      "0x",
      OPERATOR.address,
      e.endpoint,
      e.pcrHash,
      LLM_PROXY,
    );
    og(time, `register-${name}`, c.registry, data, 1_500_000n);
  };
  og(
    start,
    "approve-v1.0.0",
    c.registry,
    registry("approvePCR", pcrHashOf("v1.0.0"), LLM_PROXY, "v1.0.0"),
  );
  register(start, "A");
  register(start, "B");
  og(
    plan.rolloutTime,
    "approve-v1.1.0",
    c.registry,
    registry("approvePCR", pcrHashOf("v1.1.0"), LLM_PROXY, "v1.1.0"),
  );
  og(plan.rolloutTime, "disable-B", c.registry, registry("disableTEE", enclaveOf("B").teeId));
  register(plan.rolloutTime, "C");
  og(
    plan.rollbackTime,
    "revoke-v1.1.0",
    c.registry,
    registry("revokePCR", pcrHashOf("v1.1.0"), LLM_PROXY),
  );
  // Revoking the PCR also disables every enclave running it (TEEDisabled for C).
  og(plan.rollbackTime, "enable-B", c.registry, registry("enableTEE", enclaveOf("B").teeId));

  for (const r of plan.requests) {
    const s = signed.get(r.index);
    if (r.kind === "onnx") {
      og(r.time, `onnx-${r.index}`, c.hub, onnxRun(a, r.model, r.index), 1_000_000n);
    } else if (s && r.settlement?.mode === "individual") {
      const payer = PAYER_ACCOUNTS[r.payer!]!.address;
      const data = call(a.SettlementRelay.abi, "settleIndividual", [
        s.teeId,
        payer,
        s.requestHash,
        s.outputHash,
        BigInt(r.time),
        "0x",
        toHex(Buffer.from(s.signature, "base64")),
      ]);
      og(r.settlement.time, `settle-${r.index}`, c.relay, data);
    }
  }
  for (const b of plan.batches) {
    const blob = args.batchBlobs.get(b.index)!;
    const data = call(a.SettlementRelay.abi, "settleBatch", [
      blob.root,
      BigInt(b.requests.length),
      stringToHex(blob.blobId),
    ]);
    og(b.closeTime, `batch-${b.index}`, c.relay, data);
  }
  ops.push(...paymentOps(plan, c, a), ...agentOps(plan, c));
  return ops;
}

function paymentOps(plan: StoryPlan, c: StoryContracts, a: Artifacts): ChainOp[] {
  const base = (time: number, tag: string, from: Address, to: Address, data: Hex): ChainOp => ({
    chainId: c.base,
    time,
    from,
    to,
    data,
    gas: 200_000n,
    tag,
  });
  const ops = PAYER_ACCOUNTS.flatMap((payer, i) => [
    base(
      plan.options.start,
      `fund-payer-${i}`,
      OPERATOR.address,
      c.token,
      call(a.OpgToken.abi, "transfer", [payer.address, 10n ** 24n]),
    ),
    base(
      plan.options.start,
      `approve-payer-${i}`,
      payer.address,
      c.token,
      call(a.OpgToken.abi, "approve", [c.proxy, maxUint256]),
    ),
  ]);
  for (const s of plan.sessions) {
    const from = PAYER_ACCOUNTS[s.payer]!.address;
    const data = call(a.UptoProxy.abi, "settle", [c.token, from, c.payee, s.amount]);
    ops.push(base(s.settleTime, `payment-${s.id}`, OPERATOR.address, c.proxy, data));
  }
  return ops;
}

function agentOps(plan: StoryPlan, c: StoryContracts): ChainOp[] {
  return plan.actions
    .filter((action) => action.kind === "onchain_tx")
    .map((action) => ({
      chainId: c.base,
      time: action.time,
      from: AGENT_ACCOUNTS[action.agent]!.address,
      to: AGENT_COUNTERPARTY,
      data: "0x" as Hex,
      gas: 21_000n,
      value: 10n ** 15n,
      tag: `action-${action.index}`,
    }));
}

function onnxRun(a: Artifacts, modelCid: string, index: number): Hex {
  const input = {
    numbers: [
      { name: "features", values: [{ value: BigInt(index % 1000), decimals: 2n }], shape: [1] },
    ],
    strings: [],
  };
  const output = {
    numbers: [
      { name: "score", values: [{ value: BigInt((index * 37) % 1000), decimals: 3n }], shape: [1] },
    ],
    strings: [],
    jsons: [],
    is_simulation_result: false,
  };
  return call(a.InferenceHub.abi, "run", [modelCid, index % 3 === 0 ? 2 : 0, input, output]);
}
