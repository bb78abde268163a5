"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import type { InferencePage, InferenceRow } from "@/lib/api/schemas/inferences";
import { queryKeys } from "@/lib/api/query-keys";
import { formatCount, formatOpg, formatUtc, shortHash } from "@/lib/web/format";
import { inferenceHref } from "@/lib/web/links";

const ROW_HEIGHT = 40;
const COLUMNS = "grid grid-cols-[11rem_6rem_1fr_1fr_6rem_7rem_5rem] gap-2";

async function fetchPage(query: string, cursor: string | null): Promise<InferencePage> {
  const response = await fetch(`/api/v1/inferences?${query}${cursor ? `&cursor=${cursor}` : ""}`);
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(body.message ?? `The inference list answered ${response.status}.`);
  }
  return (await response.json()) as InferencePage;
}

/**
 * The inferences in view, newest first, paged by cursor as the list scrolls and virtualized
 * (only the rows on screen are in the DOM). Keyboard: Tab into the list, arrows, Home/End,
 * Page Up/Down to move, Enter to open.
 */
export function InferenceTable({ query, initial }: { query: string; initial?: InferencePage }) {
  const router = useRouter();
  const list = useInfiniteQuery({
    queryKey: queryKeys.inferences(query),
    queryFn: ({ pageParam }) => fetchPage(query, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    initialData: initial ? { pages: [initial], pageParams: [null] } : undefined,
  });
  const rows: InferenceRow[] = list.data?.pages.flatMap((p) => p.items) ?? [];
  const scroller = useRef<HTMLDivElement>(null);
  // Note: TanStack Virtual returns fresh functions each render, which the React compiler
  // cannot memoize; this component is small enough to render uncompiled.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const [active, setActive] = useState(0);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - 10) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage, lastIndex, rows.length]);

  const focusRow = (index: number) => {
    const i = Math.max(0, Math.min(rows.length - 1, index));
    setActive(i);
    virtualizer.scrollToIndex(i, { align: "auto" });
    requestAnimationFrame(() =>
      scroller.current?.querySelector<HTMLElement>(`[data-row-index="${i}"]`)?.focus(),
    );
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.floor((scroller.current?.clientHeight ?? 400) / ROW_HEIGHT);
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + page,
      PageUp: active - page,
      Home: 0,
      End: rows.length - 1,
    };
    if (e.key in moves) {
      e.preventDefault();
      focusRow(moves[e.key]!);
    } else if (e.key === "Enter" && rows[active]) {
      e.preventDefault();
      router.push(inferenceHref(rows[active].id));
    }
  };

  if (list.isError) {
    return (
      <p role="alert" className="rounded border border-rose-300 bg-rose-50 p-3 text-sm">
        {list.error.message}{" "}
        <button type="button" className="underline" onClick={() => void list.refetch()}>
          Retry
        </button>
      </p>
    );
  }
  if (list.isPending) return <p className="text-sm text-slate-600">Loading inferences…</p>;
  if (rows.length === 0) {
    return (
      <p className="rounded border border-dashed border-slate-300 p-4 text-sm text-slate-600">
        No inferences match this range and these filters.
      </p>
    );
  }
  return (
    <div className="rounded-lg border border-slate-200 bg-white text-xs">
      <div
        role="grid"
        aria-label="Inferences, newest first"
        aria-rowcount={hasNextPage ? -1 : rows.length + 1}
        className="text-xs"
      >
        <div
          role="row"
          aria-rowindex={1}
          className={`${COLUMNS} border-b border-slate-200 bg-slate-50 px-3 py-2 font-medium text-slate-600`}
        >
          <span role="columnheader">Time (UTC)</span>
          <span role="columnheader">Version</span>
          <span role="columnheader">Output hash</span>
          <span role="columnheader">Enclave</span>
          <span role="columnheader">Signature</span>
          <span role="columnheader">Paid</span>
          <span role="columnheader">Findings now</span>
        </div>
        <div
          ref={scroller}
          className="relative h-[28rem] overflow-auto"
          onKeyDown={onKeyDown}
          data-testid="inference-scroller"
        >
          <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
            {items.map((item) => {
              const r = rows[item.index]!;
              return (
                <div
                  key={r.id}
                  role="row"
                  aria-rowindex={item.index + 2}
                  data-row-index={item.index}
                  data-inference-id={r.id}
                  tabIndex={item.index === active ? 0 : -1}
                  onFocus={() => setActive(item.index)}
                  onClick={() => router.push(inferenceHref(r.id))}
                  className={`${COLUMNS} absolute inset-x-0 cursor-pointer items-center border-b border-slate-100 px-3 hover:bg-indigo-50 focus:bg-indigo-50 focus:outline-2 focus:outline-indigo-600 ${r.orphaned ? "text-slate-400 line-through" : ""}`}
                  style={{ top: item.start, height: ROW_HEIGHT }}
                >
                  <span role="gridcell">
                    <a
                      href={inferenceHref(r.id)}
                      tabIndex={-1}
                      className="text-indigo-700 hover:underline"
                    >
                      {formatUtc(r.occurredAt).replace(" UTC", "")}
                    </a>
                  </span>
                  <span role="gridcell">{r.version ?? "unknown"}</span>
                  <span role="gridcell" className="font-mono" title={r.outputHash}>
                    {shortHash(r.outputHash, 14, 6)}
                  </span>
                  <span role="gridcell" className="font-mono" title={r.teeId ?? ""}>
                    {r.teeId ? shortHash(r.teeId) : "none"}
                  </span>
                  <span
                    role="gridcell"
                    className={r.signatureStatus === "invalid" ? "font-medium text-rose-700" : ""}
                  >
                    {r.signatureStatus.replace("_", " ")}
                  </span>
                  <span role="gridcell" className="tabular-nums">
                    {r.paid ? formatOpg(r.paid, 4) : "unpaid"}
                  </span>
                  <span
                    role="gridcell"
                    className={r.openFindings > 0 ? "font-medium text-rose-700" : "text-slate-500"}
                  >
                    {r.openFindings > 0 ? `${formatCount(r.openFindings)} open` : "none"}
                  </span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
      <div className="flex items-center justify-between border-t border-slate-200 px-3 py-2 text-slate-600">
        <span>
          {formatCount(rows.length)} loaded{hasNextPage ? ", more below" : ", all shown"}
        </span>
        {hasNextPage ? (
          <button
            type="button"
            className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100"
            disabled={isFetchingNextPage}
            onClick={() => void fetchNextPage()}
          >
            {isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        ) : null}
      </div>
    </div>
  );
}
