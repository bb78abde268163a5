"use client";

import { useState } from "react";
import type { Timeline } from "@/lib/api/schemas/timeline";
import { BUCKET_SECONDS, SIGNATURE_STATUSES } from "@/lib/api/schemas/timeline";
import { formatUtc } from "@/lib/web/format";
import { zoomRange, type TimelineParams } from "@/lib/web/timeline-series";

const button =
  "rounded border border-slate-300 bg-white px-2 py-1 text-xs font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600";
const HOUR = 3_600_000;

/** Range presets, zoom and pan buttons, bucket size: every change lands in the URL. */
export function RangeControls({
  timeline: t,
  set,
}: {
  timeline: Timeline;
  set: (p: TimelineParams) => void;
}) {
  const endAt = Date.parse(t.extent?.to ?? t.to) + HOUR;
  const preset = (ms: number) => ({
    from: new Date(endAt - ms).toISOString(),
    to: new Date(endAt).toISOString(),
    bucket: undefined,
  });
  return (
    <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Time range">
      <button type="button" className={button} onClick={() => set(preset(24 * HOUR))}>
        Last 24 h
      </button>
      <button type="button" className={button} onClick={() => set(preset(7 * 24 * HOUR))}>
        7 days
      </button>
      <button type="button" className={button} onClick={() => set(preset(30 * 24 * HOUR))}>
        30 days
      </button>
      {t.extent ? (
        <button
          type="button"
          className={button}
          onClick={() =>
            set({
              from: new Date(Date.parse(t.extent!.from) - HOUR).toISOString(),
              to: new Date(Date.parse(t.extent!.to) + HOUR).toISOString(),
              bucket: undefined,
            })
          }
        >
          All
        </button>
      ) : null}
      <span className="mx-1 h-4 w-px bg-slate-300" aria-hidden />
      <button
        type="button"
        className={button}
        onClick={() => set({ ...zoomRange(t, 1, -0.5), bucket: t.bucket })}
        aria-label="Pan earlier by half the range"
      >
        ← Earlier
      </button>
      <button
        type="button"
        className={button}
        onClick={() => set({ ...zoomRange(t, 0.5), bucket: undefined })}
      >
        Zoom in
      </button>
      <button
        type="button"
        className={button}
        onClick={() => set({ ...zoomRange(t, 2), bucket: undefined })}
      >
        Zoom out
      </button>
      <button
        type="button"
        className={button}
        onClick={() => set({ ...zoomRange(t, 1, 0.5), bucket: t.bucket })}
        aria-label="Pan later by half the range"
      >
        Later →
      </button>
      <label className="ml-2 inline-flex items-center gap-1 text-xs">
        Bucket
        <select
          value={t.bucket}
          onChange={(e) => set({ bucket: e.target.value })}
          className="rounded border border-slate-300 px-1 py-0.5"
        >
          {Object.keys(BUCKET_SECONDS).map((b) => (
            <option
              key={b}
              value={b}
              disabled={
                (Date.parse(t.to) - Date.parse(t.from)) /
                  1000 /
                  BUCKET_SECONDS[b as keyof typeof BUCKET_SECONDS] >
                2000
              }
            >
              {b}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/**
 * The time scrubber: drag (or use the arrow keys) to re-render the view "as of" that time;
 * the change is committed to the URL when the thumb is released, so the view can be shared.
 */
export function Scrubber({
  timeline: t,
  set,
}: {
  timeline: Timeline;
  set: (p: TimelineParams) => void;
}) {
  const lo = Date.parse(t.from);
  const hi = Date.parse(t.to);
  const step = t.bucketSeconds * 1000;
  const committed = t.asOf ? Date.parse(t.asOf) : hi;
  // Note: the parent keys this component by asOf, so a new committed value resets the thumb.
  const [value, setValue] = useState(committed);
  const commit = (v: number) => set({ asOf: v >= hi ? undefined : new Date(v).toISOString() });
  return (
    <div className="flex flex-wrap items-center gap-3 rounded-md border border-slate-200 bg-slate-50 p-2">
      <label htmlFor="as-of" className="text-xs font-medium">
        As of
      </label>
      <input
        id="as-of"
        type="range"
        min={lo}
        max={hi}
        step={step}
        value={Math.min(Math.max(value, lo), hi)}
        aria-valuetext={value >= hi ? "now (everything known)" : formatUtc(new Date(value))}
        onChange={(e) => setValue(Number(e.target.value))}
        onPointerUp={(e) => commit(Number((e.target as HTMLInputElement).value))}
        onKeyUp={(e) => commit(Number((e.target as HTMLInputElement).value))}
        className="min-w-48 flex-1 accent-indigo-700"
      />
      <output htmlFor="as-of" className="text-xs tabular-nums" data-testid="as-of-value">
        {value >= hi ? "now: everything known" : formatUtc(new Date(value))}
      </output>
      {t.asOf ? (
        <button type="button" className={button} onClick={() => set({ asOf: undefined })}>
          Back to now
        </button>
      ) : null}
    </div>
  );
}

/** Version, enclave, status, payer and agent filters; applied on submit, kept in the URL. */
export function Filters({
  timeline: t,
  params,
  set,
}: {
  timeline: Timeline;
  params: TimelineParams;
  set: (p: TimelineParams) => void;
}) {
  return (
    <form
      aria-label="Filter inferences"
      className="flex flex-wrap items-end gap-2 text-xs"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const value = (k: string) => String(data.get(k) ?? "").trim() || undefined;
        set({
          version: value("version"),
          status: value("status"),
          enclave: value("enclave"),
          payer: value("payer"),
          agent: value("agent"),
        });
      }}
      key={JSON.stringify(params)}
    >
      <label className="flex flex-col gap-0.5">
        Version
        <select
          name="version"
          defaultValue={params.version ?? ""}
          className="rounded border border-slate-300 px-1 py-1"
        >
          <option value="">All versions</option>
          {t.versions.map((v) => (
            <option key={v.id} value={v.label}>
              {v.label}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-0.5">
        Verification
        <select
          name="status"
          defaultValue={params.status ?? ""}
          className="rounded border border-slate-300 px-1 py-1"
        >
          <option value="">Any</option>
          {SIGNATURE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s.replace("_", " ")}
            </option>
          ))}
        </select>
      </label>
      {(["enclave", "payer", "agent"] as const).map((k) => (
        <label key={k} className="flex flex-col gap-0.5">
          {k === "enclave" ? "Enclave id" : k === "payer" ? "Payer address" : "Agent address"}
          <input
            name={k}
            defaultValue={params[k] ?? ""}
            placeholder="0x…"
            spellCheck={false}
            className="w-40 rounded border border-slate-300 px-1 py-1 font-mono"
          />
        </label>
      ))}
      <button type="submit" className={button}>
        Apply filters
      </button>
      {["version", "status", "enclave", "payer", "agent"].some(
        (k) => params[k as keyof TimelineParams],
      ) ? (
        <button
          type="button"
          className={button}
          onClick={() =>
            set({
              version: undefined,
              status: undefined,
              enclave: undefined,
              payer: undefined,
              agent: undefined,
            })
          }
        >
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
