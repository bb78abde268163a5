"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback } from "react";
import { InferenceTable } from "@/components/timeline/inference-table";
import { TimelineChart } from "@/components/timeline/timeline-chart";
import { Filters, RangeControls, Scrubber } from "@/components/timeline/timeline-controls";
import { VersionLanes } from "@/components/timeline/version-lanes";
import type { InferencePage } from "@/lib/api/schemas/inferences";
import type { Timeline } from "@/lib/api/schemas/timeline";
import { queryKeys } from "@/lib/api/query-keys";
import { formatCount, formatOpg } from "@/lib/web/format";
import {
  inferenceListQuery,
  pickTimelineParams,
  summarize,
  toQueryString,
  type TimelineParams,
} from "@/lib/web/timeline-series";

async function fetchTimeline(model: string, query: string): Promise<Timeline> {
  const response = await fetch(`/api/v1/models/${encodeURIComponent(model)}/timeline?${query}`);
  const body = (await response.json()) as Timeline & { message?: string };
  if (!response.ok) throw new Error(body.message ?? `The timeline answered ${response.status}.`);
  return body;
}

/**
 * The interactive timeline: reads its view from the URL, fetches through the read API
 * (TanStack Query, invalidated by live updates) and writes every change back to the URL.
 */
export function TimelineView(props: {
  model: string;
  initialQuery: string;
  initial: Timeline;
  initialList: InferencePage;
  initialListQuery: string;
}) {
  const searchParams = useSearchParams();
  const pathname = usePathname();
  const params = pickTimelineParams(searchParams);
  const query = toQueryString(params);
  const timeline = useQuery({
    queryKey: queryKeys.timeline(props.model, query),
    queryFn: () => fetchTimeline(props.model, query),
    initialData: query === props.initialQuery ? props.initial : undefined,
    placeholderData: keepPreviousData,
  });
  const set = useCallback(
    (changes: TimelineParams) => {
      const next = {
        ...pickTimelineParams(new URLSearchParams(window.location.search)),
        ...changes,
      };
      for (const k of Object.keys(next) as (keyof TimelineParams)[]) if (!next[k]) delete next[k];
      // Note: Next keeps useSearchParams in step with history.pushState, without a server round trip.
      window.history.pushState(null, "", `${pathname}?${toQueryString(next)}`);
    },
    [pathname],
  );
  const t = timeline.data;
  if (!t) {
    return timeline.isError ? (
      <p role="alert" className="rounded border border-rose-300 bg-rose-50 p-3 text-sm">
        {timeline.error.message}
      </p>
    ) : (
      <p className="text-sm text-slate-600">Loading the timeline…</p>
    );
  }
  const listQuery = inferenceListQuery(props.model, params, t);
  return (
    <div className="space-y-4">
      {timeline.isError ? (
        <p role="alert" className="rounded border border-rose-300 bg-rose-50 p-2 text-sm">
          {timeline.error.message} Showing the last view that loaded.
        </p>
      ) : null}
      <section
        aria-labelledby="timeline-title"
        className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      >
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="timeline-title" className="text-base font-semibold">
            Timeline{" "}
            {timeline.isFetching ? (
              <span className="text-xs font-normal text-slate-500">(updating…)</span>
            ) : null}
          </h2>
          <p className="text-sm text-slate-700">
            <span className="font-medium tabular-nums">{formatCount(t.totals.requests)}</span>{" "}
            requests · <span className="font-medium tabular-nums">{formatOpg(t.totals.paid)}</span>{" "}
            paid ·{" "}
            <span className="font-medium tabular-nums">{formatCount(t.findings.length)}</span> open
            findings
          </p>
        </div>
        <RangeControls timeline={t} set={set} />
        <Scrubber key={`${t.asOf}-${t.from}-${t.to}`} timeline={t} set={set} />
        <p className="text-sm text-slate-700" data-testid="timeline-summary" aria-live="polite">
          {summarize(t)}
        </p>
        <TimelineChart timeline={t} />
        <VersionLanes timeline={t} />
      </section>
      <section aria-labelledby="inferences-title" className="space-y-3">
        <h2 id="inferences-title" className="text-base font-semibold">
          Inferences in view
        </h2>
        <Filters timeline={t} params={params} set={set} />
        <InferenceTable
          query={listQuery}
          initial={listQuery === props.initialListQuery ? props.initialList : undefined}
        />
      </section>
    </div>
  );
}
