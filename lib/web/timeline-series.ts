import type { Timeline } from "@/lib/api/schemas/timeline";
import { formatCount, formatOpg, formatUtc, opgNumber } from "@/lib/web/format";

/** The parameters of a timeline view, all of them kept in the page URL. */
export const TIMELINE_PARAMS = [
  "from",
  "to",
  "bucket",
  "asOf",
  "version",
  "enclave",
  "status",
  "payer",
  "agent",
] as const;
export type TimelineParams = Partial<Record<(typeof TIMELINE_PARAMS)[number], string>>;

/** The known parameters of a URL query, in a fixed order (a stable cache key). */
export function pickTimelineParams(
  search: URLSearchParams | Record<string, unknown>,
): TimelineParams {
  const get = (k: string) =>
    search instanceof URLSearchParams ? search.get(k) : (search as Record<string, unknown>)[k];
  const out: TimelineParams = {};
  for (const k of TIMELINE_PARAMS) {
    const v = get(k);
    const s = Array.isArray(v) ? v[0] : v;
    if (typeof s === "string" && s !== "") out[k] = s;
  }
  return out;
}

export const toQueryString = (p: TimelineParams) =>
  new URLSearchParams(Object.entries(p).filter(([, v]) => v) as [string, string][]).toString();

/** Colours per version, in version order; the last ones are the "bad" end of the palette. */
const PALETTE = ["#4f46e5", "#0891b2", "#d97706", "#be123c", "#15803d", "#7c3aed", "#475569"];
export function versionColors(t: Timeline): Record<string, string> {
  const colors: Record<string, string> = { none: "#94a3b8" };
  t.versions.forEach((v, i) => (colors[v.id] = PALETTE[i % PALETTE.length]!));
  return colors;
}

export interface ChartRow {
  t: number;
  /** OPG paid in the bucket, as a float for drawing; null when nothing was paid (a gap). */
  paid: number | null;
  [versionId: string]: number | null;
}

/**
 * One row per bucket for the stacked bars: requests per version id, and OPG paid. Buckets
 * after `asOf` are not in the timeline at all (nothing was known), so they stay gaps.
 */
export function chartRows(t: Timeline): ChartRow[] {
  return t.buckets.map((b) => {
    const row: ChartRow = {
      t: Date.parse(b.start),
      paid: b.paid === "0" ? null : opgNumber(b.paid),
    };
    for (const [version, n] of Object.entries(b.requests)) row[version] = n;
    return row;
  });
}

/** The version ids that have any requests in view, in version order ("none" last). */
export function seriesKeys(t: Timeline): string[] {
  const seen = new Set(t.buckets.flatMap((b) => Object.keys(b.requests)));
  return [...t.versions.map((v) => v.id), "none"].filter((k) => seen.has(k));
}

export function versionLabel(t: Timeline, id: string): string {
  return id === "none" ? "unknown version" : (t.versions.find((v) => v.id === id)?.label ?? id);
}

/** A band's position within [from, to] as percentages, clipped; null when outside. */
export function bandPosition(
  range: { from: string; to: string },
  band: { from: string; to: string | null },
  openEnd: string,
): { left: number; width: number } | null {
  const lo = Date.parse(range.from);
  const hi = Date.parse(range.to);
  const a = Math.max(lo, Date.parse(band.from));
  const b = Math.min(hi, Date.parse(band.to ?? openEnd));
  if (!(b > a)) return null;
  return { left: ((a - lo) / (hi - lo)) * 100, width: ((b - a) / (hi - lo)) * 100 };
}

/** The chart in words, for screen readers and for anyone reading a shared link's preview. */
export function summarize(t: Timeline): string {
  const per = new Map<string, number>();
  for (const b of t.buckets)
    for (const [k, n] of Object.entries(b.requests)) per.set(k, (per.get(k) ?? 0) + n);
  const parts = [...per.entries()].map(([k, n]) => `${versionLabel(t, k)}: ${formatCount(n)}`);
  const windows = t.rollbackWindows.map(
    (w) =>
      `${w.label} served from ${formatUtc(w.from)}${w.to ? ` until its rollback at ${formatUtc(w.to)}` : " and is not rolled back"}`,
  );
  const live = t.lanes.filter((l) => l.to === null).map((l) => l.label);
  return [
    `${t.asOf ? `As of ${formatUtc(t.asOf)}, from` : "From"} ${formatUtc(t.from)} to ${formatUtc(t.to)} in ${t.bucket} buckets: ${formatCount(t.totals.requests)} requests${parts.length ? ` (${parts.join(", ")})` : ""}, ${formatOpg(t.totals.paid)} paid.`,
    live.length ? `Live${t.asOf ? " then" : " now"}: ${live.join(", ")}.` : "No version is live.",
    windows.length ? `Rollback windows: ${windows.join("; ")}.` : "No rollback windows.",
    `${formatCount(t.findings.length)} open finding${t.findings.length === 1 ? "" : "s"} in view.`,
  ].join(" ");
}

/** Zoom around the centre by `factor` (0.5 = in, 2 = out), or pan by a fraction of the span. */
export function zoomRange(range: { from: string; to: string }, factor: number, pan = 0) {
  const lo = Date.parse(range.from);
  const hi = Date.parse(range.to);
  const span = hi - lo;
  const centre = lo + span / 2 + pan * span;
  const half = Math.max((span * factor) / 2, 30 * 60_000);
  return { from: new Date(centre - half).toISOString(), to: new Date(centre + half).toISOString() };
}

/**
 * The inference-list query for a timeline view: the same model, range and filters, and
 * nothing after asOf.
 */
export function inferenceListQuery(
  model: string,
  p: TimelineParams,
  t: { from: string; to: string; asOf: string | null },
) {
  const params = new URLSearchParams({
    model,
    from: t.from,
    to: t.asOf && t.asOf < t.to ? t.asOf : t.to,
  });
  for (const k of ["version", "enclave", "status", "payer", "agent"] as const)
    if (p[k]) params.set(k, p[k]);
  return params.toString();
}
