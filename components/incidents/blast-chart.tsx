"use client";

import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { formatCount, formatUtc, formatUtcShort } from "@/lib/web/format";
import { blastChartRows, type BlastSeriesPoint } from "@/lib/web/blast-series";

/**
 * Reached inferences per hour (in the window, stale after it) and the agent actions that
 * followed: known agents' as a solid line, unknown agents' as a dashed grey one of their own.
 * Draws only.
 */
export function BlastChart({ series }: { series: BlastSeriesPoint[] }) {
  const { rows, step } = blastChartRows(series);
  const unknown = series.reduce((n, p) => n + (p[4] ?? 0), 0);
  if (rows.length === 0) {
    return (
      <p className="rounded border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600">
        Nothing was reached: no inference of the bad version in or after the window.
      </p>
    );
  }
  return (
    <figure>
      <div
        className="h-56"
        role="img"
        aria-label="Reached inferences per time bucket (bars, stale on top), known agents' actions (line) and unknown agents' actions (dashed line); the caption says the same in words"
      >
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis
              dataKey="at"
              type="number"
              scale="time"
              domain={["dataMin", "dataMax"]}
              tickFormatter={(v: number) => formatUtcShort(v, step === "day")}
              fontSize={11}
            />
            <YAxis allowDecimals={false} fontSize={11} width={40} />
            <Tooltip
              labelFormatter={(v) => formatUtc(new Date(Number(v)))}
              formatter={(v) => formatCount(Number(v))}
            />
            <Legend />
            <Bar
              dataKey="affected"
              name="In the window"
              stackId="i"
              fill="#b91c1c"
              isAnimationActive={false}
            />
            <Bar
              dataKey="stale"
              name="Stale (after rollback)"
              stackId="i"
              fill="#f59e0b"
              isAnimationActive={false}
            />
            <Line
              dataKey="actions"
              name="Agent actions (known agents)"
              stroke="#4338ca"
              dot={false}
              connectNulls={false}
              isAnimationActive={false}
            />
            {unknown > 0 ? (
              <Line
                dataKey="unknownActions"
                name="Unknown agents' actions"
                stroke="#64748b"
                strokeDasharray="4 3"
                dot={false}
                connectNulls={false}
                isAnimationActive={false}
              />
            ) : null}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="mt-1 text-xs text-slate-600">
        Per {step} (UTC): {formatCount(series.reduce((n, p) => n + p[1], 0))} inferences in the
        window, {formatCount(series.reduce((n, p) => n + p[2], 0))} stale after it,{" "}
        {formatCount(series.reduce((n, p) => n + p[3], 0))} actions of known agents
        {unknown > 0 ? `, and apart ${formatCount(unknown)} of unknown agents` : ""}. Empty {step}s
        are gaps.
      </figcaption>
    </figure>
  );
}
