import { ApiError, tooManyRequests } from "@/lib/api/errors";

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

export interface WorkBudget {
  /**
   * Takes `cost` units of `key`'s budget for this window before the work starts; throws a
   * 429 ApiError (Retry-After: the window's end) and takes nothing when they do not fit.
   * `refund` gives back units of work that was not done after all.
   */
  reserve(key: string, cost: number, now?: number): { refund(units: number): void };
  /** Throws the same 429 when `key` has nothing left: a check before reading a body. */
  assertNotSpent(key: string, now?: number): void;
  /** Units `key` has used in its current window. */
  used(key: string, now?: number): number;
}

/**
 * A budget of work per key and fixed window, in memory (one process): the CPU a client may
 * make us spend (statements to validate and signatures to check), where a rate limiter
 * counts requests. `unit` names what is counted, for the 429 message.
 */
export function createWorkBudget(args: {
  limit: number;
  windowMs: number;
  unit: string;
}): WorkBudget {
  const windows = new Map<string, { start: number; used: number }>();
  let lastSweep = 0;
  const windowOf = (key: string, now: number) => {
    if (now - lastSweep > args.windowMs) {
      for (const [k, w] of windows) if (now - w.start >= args.windowMs) windows.delete(k);
      lastSweep = now;
    }
    const current = windows.get(key);
    if (current && now - current.start < args.windowMs) return current;
    const fresh = { start: now, used: 0 };
    windows.set(key, fresh);
    return fresh;
  };
  const refuse = (window: { start: number; used: number }, cost: number, now: number) => {
    const retryAfter = Math.max(1, Math.ceil((window.start + args.windowMs - now) / 1000));
    const left = Math.max(0, args.limit - window.used);
    return new ApiError(
      429,
      "rate_limited",
      `This address may cost ${args.limit} ${args.unit} per minute and has ${left} left` +
        `${cost > 0 ? `, not ${cost}` : ""}; nothing was checked or stored. Retry in ${retryAfter} s.`,
      { retryAfterSeconds: retryAfter, budget: args.limit, remaining: left, cost },
      { "Retry-After": String(retryAfter) },
    );
  };
  return {
    reserve(key, cost, now = Date.now()) {
      const window = windowOf(key, now);
      if (window.used + cost > args.limit) throw refuse(window, cost, now);
      window.used += cost;
      return {
        refund(units) {
          window.used = Math.max(0, window.used - Math.min(units, cost));
        },
      };
    },
    assertNotSpent(key, now = Date.now()) {
      const window = windowOf(key, now);
      if (window.used >= args.limit) throw refuse(window, 0, now);
    },
    used(key, now = Date.now()) {
      const current = windows.get(key);
      return current && now - current.start < args.windowMs ? current.used : 0;
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
