import type { ChainStatus } from "@/lib/system/chains";
import { Card, EmptyState, StatusBadge } from "@/components/ui/card";
import { formatCount, formatUtc } from "@/lib/web/format";

/** Each configured chain with its head block, read from its RPC endpoint just now. */
export function ChainsCard(props: { file: string; chains: ChainStatus[]; error?: string }) {
  return (
    <Card id="chains" title="Chains">
      {props.error ? (
        <EmptyState title="No source configuration could be read">
          <p>{props.error}</p>
          <p className="mt-1">
            <code>npm start</code> writes one for the local chains; set <code>SOURCES_FILE</code> to
            use another.
          </p>
        </EmptyState>
      ) : (
        <ul className="space-y-3">
          {props.chains.map((c) => (
            <li key={c.chainId} className="rounded-md border border-slate-100 p-3">
              <div className="flex items-center justify-between gap-2">
                <span className="font-medium">
                  {c.name} <span className="text-slate-500">· id {c.chainId}</span>
                </span>
                <StatusBadge ok={!!c.head} label={c.head ? "reachable" : "unreachable"} />
              </div>
              {c.head ? (
                <p className="mt-1 text-sm">
                  Head block{" "}
                  <span className="font-semibold tabular-nums">
                    {formatCount(c.head.blockNumber)}
                  </span>
                  <span className="text-slate-500"> at {formatUtc(c.head.timestamp)}</span>
                </p>
              ) : (
                <p className="mt-1 text-sm text-rose-800">{c.error}</p>
              )}
              <p className="mt-1 truncate font-mono text-xs text-slate-500">
                {c.rpcUrl} · {c.sources} {c.sources === 1 ? "source" : "sources"}
              </p>
            </li>
          ))}
        </ul>
      )}
      <p className="mt-3 truncate text-xs text-slate-500">Configuration: {props.file}</p>
    </Card>
  );
}
