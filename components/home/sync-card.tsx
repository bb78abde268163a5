"use client";

import { useQuery } from "@tanstack/react-query";
import {
  indexerStatusSchema,
  type IndexerStatus,
  type SourceStatus,
} from "@/lib/api/schemas/status";
import { queryKeys } from "@/lib/api/query-keys";
import { Card, EmptyState, StatusBadge } from "@/components/ui/card";
import { formatCount, formatUtc } from "@/lib/web/format";
import { LinkerStatusLine } from "./linker-status";
import { healthBadgeLabel, IndexerHealthPanel } from "./indexer-health";

async function fetchStatus(): Promise<IndexerStatus> {
  const response = await fetch("/api/v1/status", { cache: "no-store" });
  if (!response.ok) {
    // The API's error shape says why (a 503 names the unreachable database).
    const body = (await response.json().catch(() => null)) as { message?: string } | null;
    throw new Error(body?.message ?? `The status endpoint answered ${response.status}`);
  }
  return indexerStatusSchema.parse(await response.json());
}

/** Share of a source's block range that is indexed, 0–1; null before its first commit. */
function progressOf(s: SourceStatus): number | null {
  if (s.checkpointBlock === null || s.headBlock === null) return null;
  const from = BigInt(s.fromBlock);
  const span = BigInt(s.headBlock) - from + 1n;
  if (span <= 0n) return 1;
  const done = BigInt(s.checkpointBlock) - from + 1n;
  return Math.max(0, Math.min(1, Number(done) / Number(span)));
}

/** Sync progress of every source, refreshed every two seconds while the page is open. */
export function SyncCard({ initial }: { initial: IndexerStatus | null }) {
  const { data, error } = useQuery({
    queryKey: queryKeys.indexerStatus,
    queryFn: fetchStatus,
    initialData: initial ?? undefined,
    refetchInterval: 2000,
  });
  const behind =
    data?.sources.filter((s) => s.enabled && (s.lagBlocks === null || BigInt(s.lagBlocks) > 2n))
      .length ?? 0;
  const failing = data?.sources.filter((s) => s.lastError).length ?? 0;
  const unhealthy = data ? healthBadgeLabel(data.health) : null;
  const badge =
    !data || error ? (
      <StatusBadge ok={false} label={data ? "status unknown" : "unknown"} />
    ) : unhealthy ? (
      <StatusBadge ok={false} label={unhealthy} />
    ) : data.linker.consecutiveFailures > 0 ? (
      <StatusBadge ok={false} label="linker failing" />
    ) : failing > 0 ? (
      <StatusBadge ok={false} label={`${failing} failing`} />
    ) : (
      <StatusBadge ok={behind === 0} label={behind === 0 ? "in sync" : `${behind} syncing`} />
    );
  return (
    <Card id="sync" title="Indexer" aside={badge}>
      {error && (
        <p role="alert" className="mb-2 text-sm text-rose-800">
          Status updates paused: {error.message}
        </p>
      )}
      {data && <IndexerHealthPanel health={data.health} />}
      {!data || data.sources.length === 0 ? (
        <EmptyState title="The indexer has not started yet">
          <code>npm start</code> runs it beside the dashboard; <code>npm run indexer</code> runs it
          on its own.
        </EmptyState>
      ) : (
        <>
          <ul className="space-y-2">
            {data.sources.map((s) => (
              <SourceRow key={s.id} source={s} />
            ))}
          </ul>
          <p className="mt-3 text-xs text-slate-500">
            {formatCount(data.findings.open)} open{" "}
            {data.findings.open === 1 ? "finding" : "findings"} ·{" "}
            {data.chains
              .map((c) => `${c.name} head ${c.headBlock ? formatCount(c.headBlock) : "unknown"}`)
              .join(" · ")}
          </p>
        </>
      )}
      {data && <LinkerStatusLine linker={data.linker} />}
    </Card>
  );
}

function SourceRow({ source: s }: { source: SourceStatus }) {
  const progress = progressOf(s);
  const percent = progress === null ? null : Math.floor(progress * 1000) / 10;
  return (
    <li className="rounded-md border border-slate-100 p-2 text-sm">
      <div className="flex items-baseline justify-between gap-2">
        <span className="truncate font-medium">{s.label}</span>
        <span className="shrink-0 text-xs text-slate-500 tabular-nums">
          {s.checkpointBlock === null
            ? "not started"
            : `block ${formatCount(s.checkpointBlock)} of ${s.headBlock ? formatCount(s.headBlock) : "?"}`}
          {s.lagBlocks !== null && ` · ${formatCount(s.lagBlocks)} blocks behind`}
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={`${s.label} sync progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent ?? 0}
        aria-valuetext={percent === null ? "not started" : `${percent}% indexed`}
        className="mt-1 h-1.5 overflow-hidden rounded bg-slate-100"
      >
        <div className="h-full bg-emerald-600" style={{ width: `${percent ?? 0}%` }} />
      </div>
      <p className="mt-1 truncate font-mono text-xs text-slate-500">
        {s.kind} · chain {s.chainId} · {s.address}
        {s.unknownEvents !== "0" && ` · ${formatCount(s.unknownEvents)} unknown events`}
      </p>
      {s.lastError && (
        <p className="mt-1 text-xs text-rose-800">
          {s.lastError}
          {s.lastErrorAt && ` (${formatUtc(s.lastErrorAt)})`}
        </p>
      )}
    </li>
  );
}
