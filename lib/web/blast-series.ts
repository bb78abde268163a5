/**
 * [hour (unix ms), affected, stale, known agents' actions, unknown agents' actions], as stored
 * in a blast radius summary; computations made before trust tiers have no fifth element.
 */
export type BlastSeriesPoint =
  [number, number, number, number] | [number, number, number, number, number];

export interface BlastChartRow {
  at: number;
  affected: number | null;
  stale: number | null;
  /** Known agents' actions (the headline). */
  actions: number | null;
  /** Unknown agents' actions, a series of their own. */
  unknownActions: number | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Rows for the blast radius chart: one per hour from the first to the last point (hours
 * with nothing are gaps, not zeros), or one per UTC day when that would exceed `maxRows`.
 */
export function blastChartRows(
  series: BlastSeriesPoint[],
  maxRows = 500,
): { rows: BlastChartRow[]; step: "hour" | "day" } {
  if (series.length === 0) return { rows: [], step: "hour" };
  const first = series[0]![0];
  const last = series.at(-1)![0];
  const step = (last - first) / HOUR + 1 > maxRows ? DAY : HOUR;
  const buckets = new Map<number, [number, number, number, number]>();
  for (const [at, affected, stale, actions, unknown = 0] of series) {
    const key = Math.floor(at / step) * step;
    const b = buckets.get(key) ?? [0, 0, 0, 0];
    buckets.set(key, [b[0] + affected, b[1] + stale, b[2] + actions, b[3] + unknown]);
  }
  const rows: BlastChartRow[] = [];
  for (let at = Math.floor(first / step) * step; at <= last; at += step) {
    const b = buckets.get(at);
    rows.push(
      b
        ? {
            at,
            affected: b[0] || null,
            stale: b[1] || null,
            actions: b[2] || null,
            unknownActions: b[3] || null,
          }
        : { at, affected: null, stale: null, actions: null, unknownActions: null },
    );
  }
  return { rows, step: step === DAY ? "day" : "hour" };
}
