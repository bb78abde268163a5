import { encodeEventTopics, toEventSelector, type AbiEvent, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import {
  EVENT_ABIS_BY_KIND,
  INFERENCE_HUB_ABI,
  OPG_TOKEN_ABI,
  SETTLEMENT_RELAY_ABI,
  SETTLEMENT_RELAY_LEGACY_ABI,
  TEE_REGISTRY_ABI,
  WORKFLOW_SCHEDULER_ABI,
  X402_PROXY_ABI,
} from "@/lib/chain/abis";
import { FACTS_TOPICS, factsKeyForTopic, type FactsEventKey } from "@/lib/chain/topics";

function eventsOf(abi: readonly { type: string }[]): AbiEvent[] {
  return abi.filter((item): item is AbiEvent => item.type === "event");
}

const ALL_EVENTS = Object.values(EVENT_ABIS_BY_KIND).flatMap((abi) => eventsOf(abi));

// Where the FACTS key is not simply the Solidity event name (two versions share a name).
const EXPECTED_KEYS: [readonly { type: string }[], string, number, FactsEventKey][] = [
  [TEE_REGISTRY_ABI, "PCRRevoked", 2, "PCRRevoked"],
  [TEE_REGISTRY_ABI, "PCRRevoked", 1, "PCRRevokedV1"],
  [SETTLEMENT_RELAY_ABI, "BatchSettlement", 3, "BatchSettlement"],
  [SETTLEMENT_RELAY_LEGACY_ABI, "BatchSettlement", 2, "LegacyBatchSettlement"],
  [SETTLEMENT_RELAY_LEGACY_ABI, "Settlement", 2, "LegacySettlement"],
];

describe("FACTS_TOPICS", () => {
  it("lists every event of FACTS.md once, each a 32-byte hex hash", () => {
    const topics = Object.values(FACTS_TOPICS);
    expect(topics).toHaveLength(26);
    expect(new Set(topics).size).toBe(topics.length);
    for (const topic of topics) expect(topic).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it("maps a log's topic0 back to its key, whatever its case", () => {
    const upper = FACTS_TOPICS.PCRRevokedV1.replace(/[a-f]/g, (c) => c.toUpperCase()) as Hex;
    expect(factsKeyForTopic(upper)).toBe("PCRRevokedV1");
    expect(factsKeyForTopic(undefined)).toBeUndefined();
    expect(factsKeyForTopic(`0x${"00".repeat(32)}`)).toBeUndefined();
  });
});

describe("chain ABIs", () => {
  it("hash every event to one of the FACTS topics", () => {
    for (const event of ALL_EVENTS) {
      const selector = toEventSelector(event);
      const key = factsKeyForTopic(selector);
      expect(
        key,
        `${event.name}(${event.inputs.length} inputs) hashes to ${selector}`,
      ).toBeDefined();
      expect(key).toContain(event.name);
    }
  });

  it("cover every FACTS topic with some event", () => {
    const covered = new Set(ALL_EVENTS.map((event) => toEventSelector(event)));
    const missing = Object.entries(FACTS_TOPICS).filter(([, topic]) => !covered.has(topic));
    expect(missing).toEqual([]);
  });

  it("keep both versions of PCRRevoked and BatchSettlement apart", () => {
    for (const [abi, name, inputs, key] of EXPECTED_KEYS) {
      const event = eventsOf(abi).find((e) => e.name === name && e.inputs.length === inputs);
      expect(event, `${name} with ${inputs} inputs`).toBeDefined();
      expect(toEventSelector(event!)).toBe(FACTS_TOPICS[key]);
    }
  });

  it("encode indexed arguments after the FACTS topic0", () => {
    const pcrHash = `0x${"ab".repeat(32)}` as const;
    const approved = encodeEventTopics({
      abi: TEE_REGISTRY_ABI,
      eventName: "PCRApproved",
      args: { pcrHash, teeType: 1 },
    });
    expect(approved).toEqual([FACTS_TOPICS.PCRApproved, pcrHash, `0x${"0".repeat(63)}1`]);

    const from = "0x00000000000000000000000000000000000000aa";
    const transfer = encodeEventTopics({
      abi: OPG_TOKEN_ABI,
      eventName: "Transfer",
      args: { from },
    });
    expect(transfer[0]).toBe(FACTS_TOPICS.Transfer);
    expect(transfer[1]).toBe(`0x${"0".repeat(62)}aa`);

    expect(encodeEventTopics({ abi: X402_PROXY_ABI, eventName: "Settled" })).toEqual([
      FACTS_TOPICS.Settled,
    ]);
  });

  it("match the tuple layouts of the inference and workflow events", () => {
    const byName = (abi: readonly { type: string }[], name: string) =>
      toEventSelector(eventsOf(abi).find((e) => e.name === name)!);
    expect(byName(INFERENCE_HUB_ABI, "LLMCompletionEvent")).toBe(FACTS_TOPICS.LLMCompletionEvent);
    expect(byName(INFERENCE_HUB_ABI, "ModelInferenceEvent")).toBe(FACTS_TOPICS.ModelInferenceEvent);
    expect(byName(INFERENCE_HUB_ABI, "LLMChat")).toBe(FACTS_TOPICS.LLMChat);
    expect(byName(INFERENCE_HUB_ABI, "InferenceResult")).toBe(FACTS_TOPICS.InferenceResult);
    expect(byName(INFERENCE_HUB_ABI, "LLMCompletionResult")).toBe(FACTS_TOPICS.LLMCompletionResult);
    expect(byName(WORKFLOW_SCHEDULER_ABI, "InferenceResultEmitted")).toBe(
      FACTS_TOPICS.InferenceResultEmitted,
    );
  });
});
