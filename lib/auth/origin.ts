import "server-only";
import { headers } from "next/headers";
import { forbidden } from "@/lib/api/errors";
import { getEnv } from "@/lib/env";

/** Where this app is served from: APP_ORIGIN, else the origin the request was sent to. */
export function expectedOrigin(request: Request): string {
  return getEnv().APP_ORIGIN ?? new URL(request.url).origin;
}

/**
 * The same for a server component or metadata: APP_ORIGIN, else the Host the page was asked
 * for (with X-Forwarded-Proto only behind a trusted proxy).
 */
export async function pageOrigin(): Promise<string> {
  const env = getEnv();
  if (env.APP_ORIGIN) return env.APP_ORIGIN;
  const h = await headers();
  const host = h.get("host") ?? `localhost:${env.PORT}`;
  const proto = (env.TRUST_PROXY && h.get("x-forwarded-proto")) || "http";
  return `${proto}://${host}`;
}

/** Whether cookies must be Secure: everywhere except plain-HTTP localhost. */
export function isLocalOrigin(origin: string): boolean {
  const { protocol, hostname } = new URL(origin);
  return protocol === "http:" && ["localhost", "127.0.0.1", "[::1]"].includes(hostname);
}

/**
 * Refuses a state-changing request sent from another site: the browser's Origin header (or,
 * without it, Sec-Fetch-Site) must say it came from this app. SameSite=Lax already keeps the
 * session cookie off cross-site POSTs; this check does not rely on it.
 */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  if (origin !== null) {
    if (origin === expectedOrigin(request)) return;
    throw forbidden(
      `Cross-site request refused: it came from ${origin}, not ${expectedOrigin(request)}. Nothing was written.`,
    );
  }
  if (site === "same-origin") return;
  throw forbidden(
    site
      ? `Cross-site request refused (Sec-Fetch-Site: ${site}). Nothing was written.`
      : "Send the Origin header of this app with state-changing requests (browsers do); nothing was written.",
  );
}
