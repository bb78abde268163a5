import type { ChainHealth, IndexerHealth } from "@/lib/api/schemas/status";
import { formatUtc } from "@/lib/web/format";

const LABEL: Record<ChainHealth["state"], string> = {
  ok: "following",
  starting: "no heartbeat yet",
  stale: "stale",
  rpc_unreachable: "RPC unreachable",
  stopped: "stopped",
  indexer_down: "indexer not running",
};

/** The badge for the whole card: the worst chain state, else null (the card decides). */
export function healthBadgeLabel(health: IndexerHealth): string | null {
  const order: ChainHealth["state"][] = [
    "indexer_down",
    "stopped",
    "rpc_unreachable",
    "stale",
    "starting",
  ];
  for (const state of order) {
    const n = health.chains.filter((c) => c.state === state).length;
    if (n === 0) continue;
    const all = n === health.chains.length;
    return state === "indexer_down" && all
      ? "indexer not running"
      : `${all ? "" : `${n} of ${health.chains.length} chains `}${LABEL[state]}`.trim();
  }
  if (health.supervisor?.some((p) => p.state === "restarting")) return "restarting";
  return null;
}

/**
 * Each chain's indexer heartbeat in words, red when the chain is not followed (the indexer is
 * down, the loop stopped, the RPC does not answer, no progress), with the last error; and
 * what `npm start`'s supervisor restarted.
 */
export function IndexerHealthPanel({ health }: { health: IndexerHealth }) {
  const problems = health.chains.filter((c) => c.state !== "ok");
  const supervised = health.supervisor ?? [];
  return (
    <div role="group" aria-label="Indexer health" className="mb-3 space-y-1 text-sm">
      {problems.map((c) => (
        <p
          key={c.chainId}
          role="alert"
          data-chain-health={c.state}
          className="rounded-md border border-rose-200 bg-rose-50 px-2 py-1 text-rose-900"
        >
          <span className="font-medium">
            {c.name} ({c.chainId}): {LABEL[c.state]}.
          </span>{" "}
          {c.message}
          {c.lastErrorAt && c.state !== "starting" && (
            <span className="text-rose-700"> (error at {formatUtc(c.lastErrorAt)})</span>
          )}
        </p>
      ))}
      {supervised
        .filter((p) => p.restarts > 0 || p.state !== "running")
        .map((p) => (
          <p
            key={p.name}
            data-supervised={p.name}
            className={p.state === "running" ? "text-xs text-amber-800" : "text-xs text-rose-800"}
          >
            Supervisor: {p.message}
          </p>
        ))}
    </div>
  );
}
