import path from "node:path";
import { privateKeyToAccount, generatePrivateKey } from "viem/accounts";
import type { Hex } from "viem";
import { afterEach, describe, expect, it } from "vitest";
import { DEVNET_ENCLAVE_KEYS } from "@/lib/devnet/scenario/enclave-keys";
import { signTeeResponse } from "@/lib/devnet/scenario/tee-signer";
import {
  agentActionDigest,
  agentActionTypedData,
  NO_TX_HASH,
  type AgentActionMessage,
} from "@/lib/evidence/agent-action";
import type { VerifyJob } from "@/lib/evidence/verify-jobs";
import {
  createVerifyPool,
  VerifyPoolBusyError,
  VerifyWorkerError,
  type VerifyPool,
} from "@/lib/evidence/verify-pool";
import type { TeeSignatureInput } from "@/lib/evidence/tee-signature";

const CHAIN_ID = 8453;
const agent = privateKeyToAccount(generatePrivateKey());
const enclave = DEVNET_ENCLAVE_KEYS[0]!;
const CRASHING_WORKER = path.join(import.meta.dirname, "../fixtures/crashing-verify-worker.mjs");
const hash = (n: number) => `0x${n.toString(16).padStart(64, "0")}` as Hex;

let pool: VerifyPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

async function signedAction(n: number, signer = agent) {
  const message: AgentActionMessage = {
    agent: agent.address,
    kind: "other",
    summary: `Action ${n}`,
    citedOutputs: [hash(n + 1)],
    citedActions: [],
    txHash: NO_TX_HASH,
    occurredAt: 1_763_900_000n + BigInt(n),
  };
  const signature = await signer.signTypedData(agentActionTypedData(CHAIN_ID, message));
  return { chainId: CHAIN_ID, message, signature };
}

function signedReceipt(timestamp: number): TeeSignatureInput {
  const fields = { requestHash: hash(1).slice(2), outputHash: hash(2).slice(2), timestamp };
  const signature = signTeeResponse({ privateKeyPem: enclave.privateKeyPem, ...fields });
  return { publicKey: enclave.publicKeyDer, teeId: enclave.teeId, ...fields, signature };
}

describe("the verification pool", () => {
  it("checks agent statements in order on a worker and returns their digests", async () => {
    pool = createVerifyPool({ size: 1, queueLimit: 500 });
    const items = await Promise.all([0, 1, 2].map((n) => signedAction(n)));
    const result = await pool.run({ kind: "agent-action", items });
    expect(result).toEqual({
      checked: 3,
      digests: items.map((i) => agentActionDigest(CHAIN_ID, i.message)),
    });
    expect(pool.stats()).toMatchObject({ workers: 1, checked: 3, crashes: 0 });
  });

  it("stops an agent-statement job at the first bad signature and checks nothing after it", async () => {
    pool = createVerifyPool({ size: 1, queueLimit: 500 });
    const stranger = privateKeyToAccount(generatePrivateKey());
    const items = await Promise.all([0, 1, 2, 3, 4].map((n) => signedAction(n)));
    items[2] = await signedAction(2, stranger);
    const result = await pool.run({ kind: "agent-action", items });
    expect(result.checked).toBe(3);
    expect(result.failure).toMatchObject({ index: 2, reason: "bad_signature" });
    expect(result.digests).toHaveLength(2);
    expect(pool.stats().checked).toBe(3);
  });

  it("checks TEE receipts with the RSA-PSS rules and names the first that fails and why", async () => {
    pool = createVerifyPool({ size: 1, queueLimit: 500 });
    const good = [signedReceipt(1_767_225_600), signedReceipt(1_767_225_601)];
    expect(await pool.run({ kind: "tee-signature", items: good })).toEqual({ checked: 2 });

    const tampered = { ...signedReceipt(1_767_225_602), timestamp: 1_767_225_603 };
    const malformed = { ...signedReceipt(1_767_225_604), signature: "QUJD=" };
    const result = await pool.run({
      kind: "tee-signature",
      items: [good[0]!, tampered, malformed],
    });
    expect(result).toMatchObject({ checked: 2, failure: { index: 1, reason: "bad_signature" } });
    const second = await pool.run({ kind: "tee-signature", items: [malformed] });
    expect(second.failure).toMatchObject({ index: 0, reason: "malformed_signature" });
  });

  it("survives a worker crash: the job fails with a clear error and a new worker takes the next", async () => {
    pool = createVerifyPool({ size: 1, queueLimit: 500, workerFile: CRASHING_WORKER });
    const crash = pool.run({ kind: "crash", items: [] } as unknown as VerifyJob);
    const queued = pool.run({ kind: "agent-action", items: [await signedAction(0)] });
    await expect(crash).rejects.toThrow(VerifyWorkerError);
    await expect(crash).rejects.toThrow(/exit code 7/);
    await expect(queued).resolves.toMatchObject({ checked: 1 });
    expect(pool.stats()).toMatchObject({ crashes: 1, workers: 1, busy: 0, queued: 0 });
  });

  it("refuses work beyond its queue with a Retry-After estimate instead of queueing it", async () => {
    pool = createVerifyPool({ size: 1, queueLimit: 3 });
    const items = await Promise.all([0, 1, 2].map((n) => signedAction(n)));
    const running = pool.run({ kind: "agent-action", items });
    const waiting = pool.run({ kind: "agent-action", items });
    const refused = pool.run({ kind: "agent-action", items: items.slice(0, 1) });
    await expect(refused).rejects.toThrow(VerifyPoolBusyError);
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: expect.any(Number) });
    await expect(running).resolves.toMatchObject({ checked: 3 });
    await expect(waiting).resolves.toMatchObject({ checked: 3 });
    expect(pool.stats().checked).toBe(6);
  });
});
