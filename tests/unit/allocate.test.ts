import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/devnet/scenario/rng";
import { allocate } from "@/lib/indexer/link/allocate";

const members = (amounts: (bigint | null)[]) =>
  amounts.map((amount, i) => ({ inferenceId: `inf_${i}`, amount }));
const shares = (value: bigint, amounts: (bigint | null)[]) => {
  const { method, allocations } = allocate(value, members(amounts));
  return { method, amounts: allocations.map((a) => a.amount) };
};

describe("allocate()", () => {
  it("gives each request its own amount when the amounts sum to the payment", () => {
    expect(shares(1000n, [100n, 300n, 600n])).toEqual({
      method: "per_request_amount",
      amounts: [100n, 300n, 600n],
    });
  });

  it("scales the amounts to the payment, the remainder to the largest fractions, ties to the older request", () => {
    expect(shares(7n, [2n, 3n, 5n])).toEqual({
      method: "per_request_amount_scaled",
      amounts: [1n, 2n, 4n],
    });
    expect(shares(1000n, [1n, 1n, 1n])).toEqual({
      method: "per_request_amount_scaled",
      amounts: [334n, 333n, 333n],
    });
  });

  it("falls back to equal shares, the remainder to the oldest, when an amount is missing or all are zero", () => {
    expect(shares(1000n, [100n, null, 600n])).toEqual({
      method: "session_equal_split",
      amounts: [334n, 333n, 333n],
    });
    expect(shares(10n, [0n, 0n])).toEqual({ method: "session_equal_split", amounts: [5n, 5n] });
  });

  it('always sums to the payment\'s value, never below zero (500 seeded cases, seed "allocate")', () => {
    const rng = createRng("allocate");
    for (let c = 0; c < 500; c++) {
      const value = BigInt(rng.int(0, 1_000_000)) * 10n ** BigInt(rng.int(0, 18));
      const amounts = Array.from({ length: rng.int(1, 12) }, () =>
        rng.chance(0.1) ? null : BigInt(rng.int(0, 10_000)) * 10n ** BigInt(rng.int(0, 15)),
      );
      const { amounts: out } = shares(value, amounts);
      expect(out.reduce((s, a) => s + a, 0n)).toBe(value);
      expect(out.every((a) => a >= 0n)).toBe(true);
    }
  });
});
