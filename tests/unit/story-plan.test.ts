import { describe, expect, it } from "vitest";
import { planStory } from "@/lib/devnet/scenario";

const START = 1_763_800_000;
const options = (seed: string, requests = 300) => ({
  seed,
  requests,
  start: START,
  end: START + 10 * 3600,
});

describe("planStory()", () => {
  it("gives the same plan for the same seed and a different one for another seed", () => {
    const json = (p: unknown) =>
      JSON.stringify(p, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
    expect(json(planStory(options("a")))).toBe(json(planStory(options("a"))));
    expect(json(planStory(options("a")))).not.toBe(json(planStory(options("b"))));
  });

  it.each(["a", "b", "c", "d", "e"])("plants exactly the faults it promises (seed %s)", (seed) => {
    const plan = planStory(options(seed));
    expect(plan.requests.filter((r) => r.receipt === "corrupted")).toHaveLength(2);
    const withheld = plan.requests.filter((r) => r.receipt === "withheld");
    expect(withheld).toHaveLength(1);
    expect(withheld[0]!.settlement?.mode).toBe("individual");
    const stale = plan.requests.filter((r) => r.stale);
    expect(stale.length).toBeGreaterThanOrEqual(3);
    expect(stale.every((r) => r.enclave === "C" && r.time >= plan.rollbackTime)).toBe(true);
    expect(plan.requests.filter((r) => r.enclave === "C" && r.time < plan.rolloutTime)).toEqual([]);
  });

  it("settles every LLM request once, and every x402 session after its last request", () => {
    const plan = planStory(options("sessions"));
    const llm = plan.requests.filter((r) => r.kind === "llm");
    const inBatches = plan.batches.flatMap((b) => b.requests);
    expect(new Set(inBatches).size).toBe(inBatches.length);
    expect(llm.every((r) => r.settlement !== null)).toBe(true);
    for (const b of plan.batches) {
      expect(b.requests.every((i) => plan.requests[i]!.time < b.closeTime)).toBe(true);
    }
    for (const s of plan.sessions) {
      const last = Math.max(...s.requests.map((i) => plan.requests[i]!.time));
      expect(s.settleTime).toBeGreaterThanOrEqual(last + 100);
      expect(s.amount).toBe(s.requests.reduce((sum, i) => sum + plan.requests[i]!.cost, 0n));
    }
  });

  it("makes agent chains up to three levels, children after parents", () => {
    const plan = planStory(options("agents"));
    const byIndex = new Map(plan.actions.map((a) => [a.index, a]));
    expect(Math.max(...plan.actions.map((a) => a.depth))).toBe(3);
    for (const a of plan.actions) {
      for (const parent of a.citesActions) expect(byIndex.get(parent)!.time).toBeLessThan(a.time);
    }
  });

  it("refuses a story too small to hold its faults", () => {
    expect(() => planStory(options("x", 5))).toThrow(/at least 20 requests/);
  });
});
