import type { BlastRadiusSummary } from "@/lib/db/blast-radius";
import { formatCount, formatOpg } from "@/lib/web/format";

const byDepth = (depths: Record<string, number>) =>
  Object.entries(depths)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([d, n]) => `level ${d}: ${formatCount(n)}`)
    .join(", ");

/**
 * The counts of a stored blast radius. Agent actions in the headline are known agents' only;
 * unknown agents' actions (not in the agent registry) are a panel of their own, never added in.
 */
export function BlastCounts({ summary: s }: { summary: BlastRadiusSummary }) {
  const depths = byDepth(s.actionsByDepth);
  const items: [string, string, string?][] = [
    ["Inferences in the window", formatCount(s.affected)],
    ["Stale records after the rollback", formatCount(s.stale), "still claiming the bad version"],
    ["Settlements", formatCount(s.settlements)],
    [
      "Payments",
      formatCount(s.payments),
      s.tokens
        .map(
          (t) =>
            `${formatOpg(t.total)} OPG in total, ${formatOpg(t.allocated)} OPG allocated to these inferences`,
        )
        .join("; ") || "no payment",
    ],
    [
      "Agent actions (known agents)",
      formatCount(s.actions),
      (depths || "none") + (s.depthCapped ? " (walk capped)" : ""),
    ],
  ];
  return (
    <div className="space-y-3">
      <dl className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5" data-testid="blast-counts">
        {items.map(([label, value, note]) => (
          <div key={label} className="rounded-lg border border-slate-200 bg-white p-3">
            <dt className="text-xs text-slate-600">{label}</dt>
            <dd className="text-2xl font-semibold tabular-nums">{value}</dd>
            {note ? <dd className="text-xs text-slate-600">{note}</dd> : null}
          </div>
        ))}
      </dl>
      <UnknownAgents summary={s} />
    </div>
  );
}

function UnknownAgents({ summary: s }: { summary: BlastRadiusSummary }) {
  if (s.unknownActions === undefined) {
    return (
      <p className="text-xs text-slate-600" data-testid="blast-unknown">
        Computed before known and unknown agents were told apart: recompute to separate them.
      </p>
    );
  }
  return (
    <section
      aria-label="Unknown agents"
      data-testid="blast-unknown"
      className="rounded-lg border border-dashed border-slate-400 bg-slate-50 p-3 text-sm"
    >
      <h3 className="font-medium text-slate-800">
        Unknown agents: {formatCount(s.unknownActions)} action
        {s.unknownActions === 1 ? "" : "s"} by {formatCount(s.unknownAgents ?? 0)} agent
        {s.unknownAgents === 1 ? "" : "s"}, not counted above
      </h3>
      <p className="text-xs text-slate-600">
        Signed by addresses that are not in the agent registry (the sources config or an
        admin&apos;s list), so anyone could have sent them. They are kept and listed apart
        {s.unknownActions ? ` (${byDepth(s.unknownActionsByDepth ?? {})})` : ""}; an admin can
        register an agent on the Agents page and recompute.
      </p>
    </section>
  );
}
