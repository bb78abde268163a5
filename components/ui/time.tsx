"use client";

import { useSyncExternalStore } from "react";
import { formatRelative, formatUtc } from "@/lib/web/format";

const TICK_MS = 30_000;
let now = Date.now();
const subscribe = (onChange: () => void) => {
  const timer = setInterval(() => {
    now = Date.now();
    onChange();
  }, TICK_MS);
  return () => clearInterval(timer);
};

/**
 * A time in UTC with a relative hint ("3 hours ago"). The server renders no hint (its clock
 * is not the reader's), so the first client render matches it and the hint follows.
 */
export function Time({ iso }: { iso: string }) {
  const clock = useSyncExternalStore(
    subscribe,
    () => now,
    () => null,
  );
  return (
    <time dateTime={iso} className="whitespace-nowrap">
      {formatUtc(iso)}
      {clock !== null ? (
        <span className="ml-1 text-xs text-slate-500">({formatRelative(iso, clock)})</span>
      ) : null}
    </time>
  );
}
