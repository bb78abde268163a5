import { tooManyRequests } from "@/lib/api/errors";

export interface RateLimiter {
  /** Counts one request for `key`; throws a 429 ApiError when over the limit. */
  consume(key: string, now?: number): void;
}

/**
 * A fixed-window limiter per key, in memory (one process). Keys whose window ended are
 * dropped on the way, so memory stays bounded by the number of recent clients.
 */
export function createRateLimiter(args: { limit: number; windowMs: number }): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;
  return {
    consume(key, now = Date.now()) {
      if (now - lastSweep > args.windowMs) {
        for (const [k, w] of windows) if (now - w.start >= args.windowMs) windows.delete(k);
        lastSweep = now;
      }
      const current = windows.get(key);
      const window =
        current && now - current.start < args.windowMs ? current : { start: now, count: 0 };
      window.count++;
      windows.set(key, window);
      if (window.count > args.limit) {
        throw tooManyRequests(Math.max(1, Math.ceil((window.start + args.windowMs - now) / 1000)));
      }
    },
  };
}

/**
 * Who is asking. Our server (scripts/serve.ts) always ends X-Forwarded-For with the
 * socket's address, which a client cannot forge; behind a trusted proxy
 * (TRUST_PROXY=true) the entry before it is the client the proxy saw.
 */
export function clientAddress(request: Request, trustProxy: boolean): string {
  const hops = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((h) => h.trim())
    .filter(Boolean);
  return (trustProxy ? (hops.at(-2) ?? hops.at(-1)) : hops.at(-1)) ?? "unknown";
}
