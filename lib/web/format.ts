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
