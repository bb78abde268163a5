"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, useSyncExternalStore } from "react";
import { queryKeys } from "@/lib/api/query-keys";

/** Coalesces a burst of commits (one per chain, then the linker) into one refresh. */
const DEBOUNCE_MS = 250;

const noSubscription = () => () => {};
/** Whether this page was opened through a share link (`?share=` in its address). */
const openedWithShare = () => new URLSearchParams(window.location.search).has("share");

/**
 * Subscribes to /api/v1/events (the indexer's NOTIFYs as server-sent events) and, on each,
 * refetches the page's evidence queries, or re-renders a server-rendered page: new rows show
 * up without a reload. Shows whether the page is live.
 */
export function LiveUpdates() {
  const queryClient = useQueryClient();
  const router = useRouter();
  const [state, setState] = useState<"connecting" | "live" | "offline">("connecting");
  const [updatedAt, setUpdatedAt] = useState<string | null>(null);
  // A shared page reads only what its token opens; the event stream is not part of that,
  // so such a page stays as loaded.
  const shared = useSyncExternalStore(noSubscription, openedWithShare, () => false);

  useEffect(() => {
    if (shared) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const source = new EventSource("/api/v1/events");
    source.onopen = () => setState("live");
    source.onerror = () =>
      setState(source.readyState === EventSource.CLOSED ? "offline" : "connecting");
    source.addEventListener("indexer", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        // A page whose evidence is client queries refetches them; a server-rendered one
        // (no active evidence query) is re-rendered instead. Never both: that reads twice.
        const live = queryClient
          .getQueryCache()
          .findAll({ queryKey: queryKeys.evidence, type: "active" });
        void queryClient.invalidateQueries({ queryKey: queryKeys.evidence });
        void queryClient.invalidateQueries({ queryKey: queryKeys.indexerStatus });
        if (live.length === 0) router.refresh();
        setUpdatedAt(new Date().toISOString().slice(11, 19));
      }, DEBOUNCE_MS);
    });
    return () => {
      clearTimeout(timer);
      source.close();
    };
  }, [queryClient, router, shared]);

  const label = shared
    ? "Shared link: reload for new data"
    : state === "live"
      ? `Live${updatedAt ? ` · updated ${updatedAt} UTC` : ""}`
      : state === "connecting"
        ? "Connecting…"
        : "Offline: reload to retry";
  return (
    <span
      role="status"
      data-live-state={shared ? "shared" : state}
      className="inline-flex items-center gap-1.5 text-xs text-slate-600"
    >
      <span
        aria-hidden
        className={`h-2 w-2 rounded-full ${state === "live" ? "bg-emerald-500" : state === "connecting" ? "bg-amber-400" : "bg-rose-500"}`}
      />
      {label}
    </span>
  );
}
