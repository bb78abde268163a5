import type { IncomingHttpHeaders } from "node:http";
import { bodyTooLargeMessage } from "@/lib/api/body";
import { textProblem } from "@/lib/api/schemas/common";
import { MAX_AGENT_ACTION_BODY_BYTES } from "@/lib/api/schemas/agent-actions";
import { MAX_RECEIPT_BODY_BYTES } from "@/lib/api/schemas/receipts";
import { LOCKED_DOWN_CSP, STATIC_SECURITY_HEADERS } from "@/lib/web/security-headers";

/**
 * The checks the dashboard server (scripts/serve.ts) makes on a request line and its
 * headers, before Next sees the request. Two things cannot wait for a route handler:
 * Next buffers a body before the handler runs (a proxy exists), so a declared
 * Content-Length beyond the route's cap must be refused here, unread; and Next's router
 * answers a plain 500 when a path segment is not valid percent-encoding.
 */

/** The cap for routes that declare none larger: the biggest of theirs is 32 KB. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

const BODY_LIMITS: ReadonlyArray<readonly [path: string, maxBytes: number]> = [
  ["/api/v1/receipts", MAX_RECEIPT_BODY_BYTES],
  ["/api/v1/agent-actions", MAX_AGENT_ACTION_BODY_BYTES],
];

/** The largest body a request to `pathname` may declare; the route's own cap, where it has one. */
export function maxBodyBytesFor(pathname: string): number {
  const path = pathname.replace(/\/+$/, "");
  return BODY_LIMITS.find(([route]) => route === path)?.[1] ?? DEFAULT_MAX_BODY_BYTES;
}

/** An answer given at the door, in the API's error shape (JSON) or as a small page. */
export interface DoorRefusal {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Answers why a request is refused before it is read, or null to let it through:
 * 400 for a path that is not valid percent-encoding (and, for pages, control characters
 * in the path or query, which no page can look up); 413 for a declared body over the cap.
 */
export function checkAtTheDoor(req: {
  url?: string;
  headers: IncomingHttpHeaders;
}): DoorRefusal | null {
  const target = req.url ?? "/";
  const queryAt = target.indexOf("?");
  const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
  const pathname = rawPath.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "") || "/";
  const api = pathname.startsWith("/api/");
  const segments = pathname.split("/");
  for (const segment of segments) {
    try {
      decodeURIComponent(segment);
    } catch {
      return refuse(
        api,
        400,
        "bad_request",
        `The address is not valid percent-encoding ("${segment.slice(0, 80)}"): each % starts a %XX escape of UTF-8.`,
      );
    }
  }
  if (!api) {
    const problem = pageAddressProblem(segments, queryAt === -1 ? "" : target.slice(queryAt));
    if (problem) return refuse(false, 400, "bad_request", `The address ${problem}.`);
  }
  const declared = Number(req.headers["content-length"] ?? NaN);
  const maxBytes = maxBodyBytesFor(pathname);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return refuse(true, 413, "payload_too_large", bodyTooLargeMessage(maxBytes));
  }
  return null;
}

function pageAddressProblem(segments: string[], search: string): string | null {
  for (const segment of segments) {
    const problem = textProblem(decodeURIComponent(segment), false);
    if (problem) return `path ${problem}`;
  }
  for (const [key, value] of new URLSearchParams(search)) {
    const problem = textProblem(key, false) ?? textProblem(value, false);
    if (problem) return `parameter ${key.slice(0, 40)} ${problem}`;
  }
  return null;
}

/** Paths that answer for themselves while the database is down (or need no database). */
function answersWithoutDatabase(pathname: string): boolean {
  return (
    pathname.startsWith("/_next/static/") ||
    ["/api/health", "/api/ready", "/metrics", "/icon.svg", "/favicon.ico", "/robots.txt"].includes(
      pathname,
    )
  );
}

/**
 * 503 for a request that needs the database while the last probe found it unreachable: a
 * page says so in words (not a 200 page with an error box), the API in its error shape, both
 * with Retry-After. Null when the request does not need the database.
 */
export function databaseDownAnswer(url: string | undefined, reason: string): DoorRefusal | null {
  const pathname = (url ?? "/").split("?")[0]!;
  if (answersWithoutDatabase(pathname)) return null;
  return refuse(
    pathname.startsWith("/api/"),
    503,
    "database_unavailable",
    `The database is unreachable (${reason}), so nothing can be read or written right now. Nothing was changed; try again in a few seconds. /api/ready says what is wrong.`,
    {
      title: "Database unavailable",
      heading: "The evidence database is unreachable",
      retryAfter: 5,
    },
  );
}

function refuse(
  json: boolean,
  status: number,
  error: string,
  message: string,
  page: { title: string; heading: string; retryAfter?: number } = {
    title: "Bad address",
    heading: "This address cannot be opened",
  },
): DoorRefusal {
  // Note: the body may still be on its way; closing the connection stops reading it.
  const common = {
    "Cache-Control": "no-store",
    Connection: "close",
    ...(page.retryAfter ? { "Retry-After": String(page.retryAfter) } : {}),
    ...STATIC_SECURITY_HEADERS,
    "Content-Security-Policy": LOCKED_DOWN_CSP,
  };
  if (json) {
    return {
      status,
      headers: { ...common, "Content-Type": "application/json" },
      body: JSON.stringify({ error, message }),
    };
  }
  const text = message.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return {
    status,
    headers: { ...common, "Content-Type": "text/html; charset=utf-8" },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${page.title} · Provenance</title></head><body><main><h1>${page.heading}</h1><p>${text}</p><p><a href="/">Go to the home page</a></p></main></body></html>`,
  };
}
