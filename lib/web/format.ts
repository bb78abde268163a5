const counts = new Intl.NumberFormat("en-US");

/** 12345 → "12,345". */
export function formatCount(n: number | bigint | string): string {
  return counts.format(typeof n === "string" ? BigInt(n) : n);
}

/** An ISO time as "2026-11-23 14:05:09 UTC": unambiguous in a dispute. */
export function formatUtc(iso: string | Date): string {
  const d = typeof iso === "string" ? new Date(iso) : iso;
  return `${d.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

/** A short UTC time for chart axes: "11-23 14:05" (or "11-23" for whole days). */
export function formatUtcShort(ms: number, dayOnly = false): string {
  const s = new Date(ms).toISOString();
  return dayOnly ? s.slice(5, 10) : `${s.slice(5, 10)} ${s.slice(11, 16)}`;
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
  ["second", 1000],
];
const relative = new Intl.RelativeTimeFormat("en-US", { numeric: "auto" });

/** "3 hours ago" / "in 2 days", relative to `now`. */
export function formatRelative(iso: string, now: number): string {
  const diff = new Date(iso).getTime() - now;
  const [unit, ms] = UNITS.find(([, ms]) => Math.abs(diff) >= ms) ?? UNITS.at(-1)!;
  return relative.format(Math.round(diff / ms), unit);
}

/** OPG has 18 decimals. Base units as a decimal string → "1.2345 OPG" (up to 6 decimals). */
export function formatOpg(baseUnits: string | bigint, decimals = 6): string {
  const v = BigInt(baseUnits);
  const negative = v < 0n;
  const abs = negative ? -v : v;
  const whole = abs / 10n ** 18n;
  const frac = (abs % 10n ** 18n)
    .toString()
    .padStart(18, "0")
    .slice(0, decimals)
    .replace(/0+$/, "");
  const text = `${counts.format(whole)}${frac ? `.${frac}` : ""}`;
  return `${negative ? "-" : ""}${text === "0" && abs > 0n ? "<0.000001" : text} OPG`;
}

/** OPG base units as a float number of OPG, for charts only (not for display of exact sums). */
export function opgNumber(baseUnits: string): number {
  return Number(BigInt(baseUnits) / 10n ** 12n) / 1e6;
}

/** "0x1234abcd…9f8e": enough to recognise, with the full value in the title and copy button. */
export function shortHash(hash: string, head = 10, tail = 4): string {
  return hash.length <= head + tail + 1 ? hash : `${hash.slice(0, head)}…${hash.slice(-tail)}`;
}
