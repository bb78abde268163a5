import type { DownstreamNode } from "@/lib/api/schemas/inferences";
import { Hash } from "@/components/ui/hash";
import { Time } from "@/components/ui/time";

/** Levels shown open; deeper ones sit in a collapsed <details>. */
const OPEN_LEVELS = 2;

/** The agent actions that depended on an output, as a tree by citation. */
export function DownstreamTree({
  nodes,
  truncated,
}: {
  nodes: DownstreamNode[];
  truncated: boolean;
}) {
  if (nodes.length === 0) {
    return <p className="text-sm text-slate-600">No agent has reported acting on this output.</p>;
  }
  const children = new Map<string | null, DownstreamNode[]>();
  for (const n of nodes) children.set(n.parentId, [...(children.get(n.parentId) ?? []), n]);
  const deepest = Math.max(...nodes.map((n) => n.depth));
  const unknown = nodes.filter((n) => n.agentTrust === "unknown").length;
  return (
    <>
      <p className="mb-2 text-sm text-slate-600">
        {nodes.length} action{nodes.length === 1 ? "" : "s"} depended on it, {deepest} level
        {deepest === 1 ? "" : "s"} deep{truncated ? " (more exist beyond what is shown)" : ""}
        {unknown > 0
          ? `; ${unknown} of them by unknown agents (not in the agent registry, anyone could have sent them)`
          : ""}
        .
      </p>
      <Level nodes={children.get(null) ?? []} childrenOf={children} />
    </>
  );
}

function Level({
  nodes,
  childrenOf,
}: {
  nodes: DownstreamNode[];
  childrenOf: Map<string | null, DownstreamNode[]>;
}) {
  return (
    <ul className="space-y-1 border-l border-slate-200 pl-3">
      {nodes.map((n) => {
        const kids = childrenOf.get(n.id) ?? [];
        return (
          <li key={n.id} className="text-sm">
            <div className="flex flex-wrap items-baseline gap-x-2">
              <span className="rounded bg-slate-100 px-1.5 text-xs">level {n.depth}</span>
              <span className="font-medium">{n.summary}</span>
              <span className="text-xs text-slate-500">
                {n.kind.replace(/_/g, " ")} by <Hash value={n.agent} label="agent address" />{" "}
                {n.agentTrust === "known" ? (
                  n.agentLabel
                ) : (
                  <span className="rounded bg-slate-200 px-1 text-slate-800">unknown agent</span>
                )}{" "}
                on chain {n.chainId}, <Time iso={n.occurredAt} />
              </span>
              {n.txHash ? (
                <Hash value={n.txHash} label="transaction" href={`/search?q=${n.txHash}`} />
              ) : null}
            </div>
            {kids.length === 0 ? null : n.depth >= OPEN_LEVELS ? (
              <details className="mt-1">
                <summary className="cursor-pointer text-xs text-indigo-700">
                  {countBelow(n.id, childrenOf)} more action(s) depend on this one
                </summary>
                <Level nodes={kids} childrenOf={childrenOf} />
              </details>
            ) : (
              <div className="mt-1">
                <Level nodes={kids} childrenOf={childrenOf} />
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function countBelow(id: string, childrenOf: Map<string | null, DownstreamNode[]>): number {
  const kids = childrenOf.get(id) ?? [];
  return kids.reduce((n, k) => n + 1 + countBelow(k.id, childrenOf), 0);
}
