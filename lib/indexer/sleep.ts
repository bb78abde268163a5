/**
 * Waits `ms`, or less when `signal` aborts (resolves, never rejects). The abort listener is
 * removed when the timer fires: a follow loop sleeps once per poll on one long-lived signal,
 * and a listener left behind per poll grows the heap for as long as the indexer runs.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
