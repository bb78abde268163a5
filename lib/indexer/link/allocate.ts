/** How a payment's value was split across the inferences of its session. */
export type AllocationMethod =
  /** The gateway's per-request amounts, which sum exactly to the payment's value. */
  | "per_request_amount"
  /** The gateway's per-request amounts, scaled to the payment's value (largest remainder). */
  | "per_request_amount_scaled"
  /** Equal shares: the fallback when some request of the session has no amount. */
  | "session_equal_split";

export interface AllocationMember {
  inferenceId: string;
  /** The gateway's per-request amount in base units, or null when the receipt had none. */
  amount: bigint | null;
}

export interface Allocation {
  inferenceId: string;
  amount: bigint;
}

/**
 * Splits `value` across `members` (in session order: oldest request first) so the shares
 * always sum to exactly `value`.
 *
 * - Every member has an amount and they sum to `value`: each gets its amount.
 * - Every member has an amount, summing to S > 0 but not to `value` (the session hit its
 *   spend cap, or a cost was not billed): each gets floor(value × amount / S), and the
 *   remainder (fewer base units than members) goes one unit each to the largest fractional
 *   parts, ties to the older request.
 * - Otherwise (an amount is missing, or all are 0): equal shares of floor(value / n), the
 *   remainder to the oldest request.
 */
export function allocate(
  value: bigint,
  members: readonly AllocationMember[],
): { method: AllocationMethod; allocations: Allocation[] } {
  if (members.length === 0) throw new Error("allocate() needs at least one inference");
  const amounts = members.map((m) => m.amount);
  const complete = amounts.every((a): a is bigint => a !== null);
  const sum = complete ? amounts.reduce<bigint>((s, a) => s + a!, 0n) : 0n;
  if (complete && sum > 0n) {
    if (sum === value) {
      return {
        method: "per_request_amount",
        allocations: members.map((m) => ({ inferenceId: m.inferenceId, amount: m.amount! })),
      };
    }
    return { method: "per_request_amount_scaled", allocations: scaled(value, members, sum) };
  }
  const n = BigInt(members.length);
  const share = value / n;
  return {
    method: "session_equal_split",
    allocations: members.map((m, i) => ({
      inferenceId: m.inferenceId,
      amount: i === 0 ? share + (value - share * n) : share,
    })),
  };
}

function scaled(value: bigint, members: readonly AllocationMember[], sum: bigint): Allocation[] {
  const parts = members.map((m, index) => {
    const product = value * m.amount!;
    return { index, share: product / sum, fraction: product % sum };
  });
  let remainder = value - parts.reduce((s, p) => s + p.share, 0n);
  const order = [...parts].sort((a, b) =>
    a.fraction === b.fraction ? a.index - b.index : a.fraction > b.fraction ? -1 : 1,
  );
  for (const p of order) {
    if (remainder === 0n) break;
    p.share += 1n;
    remainder -= 1n;
  }
  return parts.map((p) => ({ inferenceId: members[p.index]!.inferenceId, amount: p.share }));
}
