import { base, ogEvm } from "@/lib/chain/chains";

/**
 * The security headers every answer carries (set in proxy.ts for pages and the API, in
 * lib/api/door.ts for the answers refused before Next sees them).
 */

/** The same on every answer: no framing, no MIME sniffing, no full URL sent to other sites. */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "strict-origin-when-cross-origin",
};

/** For answers that are not pages (JSON, CSV, images, the door's refusals): nothing runs. */
export const LOCKED_DOWN_CSP =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Strict-Transport-Security, for answers served over HTTPS only. */
export const HSTS = "max-age=63072000; includeSubDomains";

/** A fresh, unguessable nonce for one request's inline scripts (base64 of 16 random bytes). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export interface PageCspOptions {
  nonce: string;
  /** `npm run dev`: React needs eval for its error overlays, and hot reload a websocket. */
  dev: boolean;
  /** A devnet: the browser's test wallet signs through a local anvil on any port. */
  devnet: boolean;
  /** Served over HTTPS: sub-resources asked for over HTTP are upgraded. */
  https: boolean;
}

/**
 * The page policy. Scripts: files from this origin (Next's chunks), and inline scripts only
 * with the request's nonce (Next reads it from this header on the request and puts it on
 * its own). No 'strict-dynamic': under it Chromium runs any script element made by script,
 * inline or not, so an injected `createElement("script")` would run. Styles allow
 * inline attributes: the charts (recharts) position with style="". The browser talks to
 * this origin and to the RPC endpoints wagmi uses (lib/web/wagmi.ts): the chains' default
 * RPC origins, and on a devnet the local anvils the test wallet signs through. Origins
 * only: an RPC URL's path or query may hold an API key.
 */
export function pageCsp({ nonce, dev, devnet, https }: PageCspOptions): string {
  const rpcOrigins = new Set(
    [ogEvm, base].flatMap((chain) => chain.rpcUrls.default.http.map((u) => new URL(u).origin)),
  );
  if (devnet) for (const host of ["127.0.0.1", "localhost"]) rpcOrigins.add(`http://${host}:*`);
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${[...rpcOrigins].join(" ")}${dev ? " ws: wss:" : ""}`,
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/**
 * Whether the visitor reached the app over HTTPS: APP_ORIGIN says so, or (behind a trusted
 * reverse proxy only) X-Forwarded-Proto does. The app's own server speaks plain HTTP.
 * Note: never the request URL's protocol: Next builds it from X-Forwarded-Proto, which
 * any client can send.
 */
export function servedOverHttps(opts: {
  appOrigin: string | undefined;
  trustProxy: boolean;
  forwardedProto: string | null;
}): boolean {
  if (opts.appOrigin) return opts.appOrigin.startsWith("https:");
  if (opts.trustProxy && opts.forwardedProto) {
    return (opts.forwardedProto.split(",")[0] ?? "").trim().toLowerCase() === "https";
  }
  return false;
}
