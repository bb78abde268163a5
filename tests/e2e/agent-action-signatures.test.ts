import crypto from "node:crypto";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { describe, expect, inject, it } from "vitest";
import { agentActionTypedData, type AgentActionMessage } from "@/lib/evidence/agent-action";
import { browserAvailable } from "../helpers/browser";

const appUrl = inject("appUrl");
const CHAIN_ID = 8453;
const agent = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());

async function statements(count: number, badAt?: number) {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const message: AgentActionMessage = {
        agent: agent.address,
        kind: "memory_write",
        summary: `Stored the model's answer ${i}`,
        citedOutputs: [`0x${crypto.randomBytes(32).toString("hex")}` as Hex],
        citedActions: [],
        txHash: `0x${"0".repeat(64)}`,
        occurredAt: 1_763_900_000n + BigInt(i),
      };
      const signer = i === badAt ? stranger : agent;
      const signature = await signer.signTypedData(agentActionTypedData(CHAIN_ID, message));
      return {
        chainId: CHAIN_ID,
        action: { ...message, occurredAt: String(message.occurredAt) },
        signature,
      };
    }),
  );
}

/** Posts a batch, waiting out a 429 (the loopback address is shared with other tests). */
async function post(actions: unknown[]): Promise<{ status: number; message?: string }> {
  for (;;) {
    const res = await fetch(`${appUrl}/api/v1/agent-actions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ actions }),
    });
    const json = (await res.json()) as { message?: string };
    if (res.status !== 429) return { status: res.status, message: json.message };
    await new Promise((r) => setTimeout(r, Number(res.headers.get("retry-after") ?? 1) * 1000));
  }
}

// The stack runs only where browser tests run; these tests need the stack, not a browser.
describe.skipIf(!browserAvailable())("agent-action signatures in the production server", () => {
  it(
    "are checked on the worker pool of the built server: the first bad one is named, good batches are stored",
    { timeout: 180_000 },
    async () => {
      const refused = await post(await statements(12, 9));
      expect(refused.status).toBe(401);
      expect(refused.message).toMatch(/^actions\[9\]: The signature does not match agent/);
      const stored = await post(await statements(12));
      expect(stored.status).toBe(201);
    },
  );
});
