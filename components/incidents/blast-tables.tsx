"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Hash } from "@/components/ui/hash";
import { queryKeys } from "@/lib/api/query-keys";
import type { BlastPart } from "@/lib/db/blast-radius";
import type { BlastRow } from "@/lib/db/blast-radius-rows";
import { callApi } from "@/lib/web/api-client";
import { formatCount, formatOpg, formatUtc } from "@/lib/web/format";
import { inferenceHref } from "@/lib/web/links";

const PAGE = 50;
const TABS: { part: BlastPart; label: string }[] = [
  { part: "affected", label: "Inferences in the window" },
  { part: "stale", label: "Stale records" },
  { part: "settlements", label: "Settlements" },
  { part: "payments", label: "Payments" },
  { part: "actions", label: "Agent actions (known agents)" },
  { part: "unknownActions", label: "Unknown agents' actions" },
];

/** The stored blast radius as tables, one tab per part, paged from the API. */
export function BlastTables(props: {
  incidentId: string;
  computationId: string;
  /** Per part; a part absent from an older computation is not offered. */
  counts: Partial<Record<BlastPart, number>>;
}) {
  const [part, setPart] = useState<BlastPart>("affected");
  const [pages, setPages] = useState<number[]>([0]);
  const after = pages.at(-1)!;
  const query = useQuery({
    queryKey: queryKeys.blastRows(props.incidentId, props.computationId, part, after),
    queryFn: () =>
      callApi<{ rows: BlastRow[]; nextAfter: number | null }>(
        `/api/v1/incidents/${props.incidentId}/blast-radius/rows?part=${part}&computation=${props.computationId}&after=${after}&limit=${PAGE}`,
      ),
    placeholderData: keepPreviousData,
  });
  const rows = query.data?.rows ?? [];
  return (
    <div>
      <div
        role="tablist"
        aria-label="Blast radius tables"
        className="flex flex-wrap gap-1 border-b border-slate-200"
      >
        {TABS.filter((t) => props.counts[t.part] !== undefined).map((t) => (
          <button
            key={t.part}
            role="tab"
            type="button"
            id={`tab-${t.part}`}
            aria-selected={part === t.part}
            aria-controls="blast-panel"
            onClick={() => {
              setPart(t.part);
              setPages([0]);
            }}
            className={`rounded-t px-3 py-1.5 text-sm ${part === t.part ? "border border-b-0 border-slate-200 bg-white font-medium" : "text-slate-600 hover:text-indigo-700"}`}
          >
            {t.label}{" "}
            <span className="text-xs text-slate-500">
              ({formatCount(props.counts[t.part] ?? 0)})
            </span>
          </button>
        ))}
      </div>
      <div
        id="blast-panel"
        role="tabpanel"
        aria-labelledby={`tab-${part}`}
        className="overflow-x-auto"
      >
        {query.isError ? (
          <p role="alert" className="p-3 text-sm text-rose-700">
            {(query.error as Error).message}
          </p>
        ) : rows.length === 0 ? (
          <p className="p-3 text-sm text-slate-600">
            {query.isPending ? "Loading…" : "Nothing in this part."}
          </p>
        ) : (
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left text-slate-600">
              <tr>
                {headers(part).map((h) => (
                  <th key={h} scope="col" className="px-3 py-2 font-medium">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={`${r.part}-${r.position}`} className="border-t border-slate-100">
                  {cells(r).map((c, i) => (
                    <td key={i} className="px-3 py-1.5 align-top">
                      {c}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="mt-2 flex items-center gap-2 text-sm">
        <button
          type="button"
          disabled={pages.length === 1}
          onClick={() => setPages((p) => p.slice(0, -1))}
          className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-40"
        >
          ← Previous
        </button>
        <button
          type="button"
          disabled={!query.data?.nextAfter}
          onClick={() => setPages((p) => [...p, query.data!.nextAfter!])}
          className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-40"
        >
          Next →
        </button>
        <span className="text-slate-600">
          {rows.length
            ? `${formatCount(rows[0]!.position)}–${formatCount(rows.at(-1)!.position)} of ${formatCount(props.counts[part] ?? 0)}`
            : ""}
        </span>
      </div>
    </div>
  );
}

function headers(part: BlastPart): string[] {
  switch (part) {
    case "affected":
    case "stale":
      return ["#", "Inference", "Time (UTC)", "Version claimed", "Output hash", "Signature"];
    case "settlements":
      return ["#", "Kind", "Block", "Transaction", "Time (UTC)"];
    case "payments":
      return ["#", "Transaction", "From", "Value", "Allocated to reached inferences", "Time (UTC)"];
    case "actions":
      return ["#", "Depth", "Kind", "Agent (known)", "What it did", "Time (UTC)"];
    case "unknownActions":
      return ["#", "Depth", "Kind", "Agent (unknown)", "What it did", "Time (UTC)"];
  }
}

function cells(r: BlastRow) {
  const time = formatUtc(r.occurredAt);
  switch (r.part) {
    case "affected":
    case "stale":
      return [
        r.position,
        <Link
          key="i"
          href={inferenceHref(r.id)}
          className="font-mono text-xs text-indigo-700 underline"
        >
          {r.id}
        </Link>,
        time,
        r.version,
        r.outputHash ? <Hash key="h" value={r.outputHash} href={`/o/${r.outputHash}`} /> : "—",
        r.kind,
      ];
    case "settlements":
      return [
        r.position,
        r.kind,
        `${r.chainId} #${r.blockNumber}`,
        r.txHash ? <Hash key="t" value={r.txHash} /> : "—",
        time,
      ];
    case "payments":
      return [
        r.position,
        r.txHash ? <Hash key="t" value={r.txHash} /> : "—",
        r.payer ? <Hash key="p" value={r.payer} /> : "—",
        `${formatOpg(r.value ?? "0")} OPG`,
        `${formatOpg(r.allocated ?? "0")} OPG`,
        time,
      ];
    case "actions":
    case "unknownActions":
      return [
        r.position,
        r.depth,
        r.kind,
        <span key="a" className="inline-flex items-center gap-1">
          {r.actor ? <Hash value={r.actor} /> : "—"}
          {r.agentTrust === "known" ? (
            <span className="text-xs text-slate-600">{r.agentLabel}</span>
          ) : (
            <span className="rounded bg-slate-200 px-1 text-xs text-slate-800">unknown agent</span>
          )}
        </span>,
        r.summary,
        time,
      ];
  }
}
