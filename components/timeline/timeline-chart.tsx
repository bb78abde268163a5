"use client";

import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { Timeline } from "@/lib/api/schemas/timeline";
import { formatCount, formatUtc, formatUtcShort } from "@/lib/web/format";
import { chartRows, seriesKeys, versionColors, versionLabel } from "@/lib/web/timeline-series";

/** Requests per version per bucket (stacked), OPG paid (line), rollback windows (shaded). Draws only. */
export function TimelineChart({ timeline: t }: { timeline: Timeline }) {
  const rows = chartRows(t);
  const keys = seriesKeys(t);
  const colors = versionColors(t);
  const lo = Date.parse(t.from);
  const hi = Date.parse(t.to);
  const days = t.bucketSeconds >= 86_400;
  if (t.totals.requests === 0) {
    return (
      <div className="flex h-64 items-center justify-center rounded border border-dashed border-slate-300 text-sm text-slate-600">
        No requests in this range{t.asOf ? " known at this time" : ""}: zoom out or move the range.
      </div>
    );
  }
  return (
    <div
      className="h-72 w-full"
      role="figure"
      aria-label="Requests per version (stacked bars) and OPG paid (line) per bucket; the summary above says the same in words"
    >
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart
          data={rows}
          margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
          barCategoryGap={1}
        >
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[lo, hi]}
            tickFormatter={(v: number) => formatUtcShort(v, days)}
            fontSize={11}
          />
          <YAxis
            yAxisId="requests"
            allowDecimals={false}
            fontSize={11}
            width={44}
            label={{ value: "requests", angle: -90, position: "insideLeft", fontSize: 11 }}
          />
          <YAxis
            yAxisId="opg"
            orientation="right"
            fontSize={11}
            width={54}
            label={{ value: "OPG", angle: 90, position: "insideRight", fontSize: 11 }}
          />
          {t.rollbackWindows.map((w, i) => (
            <ReferenceArea
              key={`${w.versionId}-${i}`}
              yAxisId="requests"
              x1={Math.max(lo, Date.parse(w.from))}
              x2={Math.min(hi, w.to ? Date.parse(w.to) : hi)}
              fill="#fecdd3"
              fillOpacity={0.5}
              ifOverflow="hidden"
            />
          ))}
          {keys.map((k) => (
            <Bar
              key={k}
              yAxisId="requests"
              dataKey={k}
              stackId="requests"
              name={versionLabel(t, k)}
              fill={colors[k]}
              isAnimationActive={false}
            />
          ))}
          <Line
            yAxisId="opg"
            dataKey="paid"
            name="OPG paid"
            stroke="#0f766e"
            dot={false}
            connectNulls={false}
            isAnimationActive={false}
          />
          {t.asOf ? (
            <ReferenceLine
              yAxisId="requests"
              x={Date.parse(t.asOf)}
              stroke="#0f172a"
              strokeDasharray="4 2"
              label={{ value: "as of", fontSize: 11, position: "top" }}
            />
          ) : null}
          <Tooltip
            labelFormatter={(v) => formatUtc(new Date(Number(v)))}
            formatter={(value, name) => [
              name === "OPG paid" ? `${Number(value).toFixed(4)} OPG` : formatCount(Number(value)),
              name,
            ]}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
