import type { Hex } from "viem";
import {
  agentActionDigest,
  verifyAgentActionSignature,
  type AgentActionMessage,
} from "./agent-action";
import {
  verifyTeeSignature,
  type TeeSignatureFailure,
  type TeeSignatureInput,
} from "./tee-signature";

/** One signed agent statement to check (lib/evidence/agent-action.ts rules). */
export interface AgentActionCheck {
  chainId: number;
  message: AgentActionMessage;
  signature: Hex;
}

/**
 * Work for the verification pool: a list of signatures of one kind, checked in order.
 * Both kinds are plain data, so they cross to a worker thread by structured clone.
 */
export type VerifyJob =
  | { kind: "agent-action"; items: AgentActionCheck[] }
  | { kind: "tee-signature"; items: TeeSignatureInput[] };

/**
 * What a job found. `checked` signatures were verified (the failing one included); the
 * items after a failure were not looked at. `digests` are the EIP-712 digests of the
 * agent statements that verified, in order.
 */
export interface VerifyResult {
  checked: number;
  failure?: { index: number; reason: TeeSignatureFailure | "bad_signature"; detail: string };
  digests?: Hex[];
}

/** Runs one job where it is called (a worker thread, in production). */
export async function runVerifyJob(job: VerifyJob): Promise<VerifyResult> {
  return job.kind === "agent-action" ? checkAgentActions(job.items) : checkTee(job.items);
}

async function checkAgentActions(items: AgentActionCheck[]): Promise<VerifyResult> {
  const digests: Hex[] = [];
  for (const [index, { chainId, message, signature }] of items.entries()) {
    if (!(await verifyAgentActionSignature(chainId, message, signature))) {
      const detail = `The signature does not match agent ${message.agent} for this statement on chain ${chainId}`;
      return { checked: index + 1, failure: { index, reason: "bad_signature", detail }, digests };
    }
    digests.push(agentActionDigest(chainId, message));
  }
  return { checked: items.length, digests };
}

function checkTee(items: TeeSignatureInput[]): VerifyResult {
  for (const [index, input] of items.entries()) {
    const check = verifyTeeSignature(input);
    if (!check.ok) {
      return { checked: index + 1, failure: { index, reason: check.reason, detail: check.detail } };
    }
  }
  return { checked: items.length };
}
