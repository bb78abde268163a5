import { NextResponse, type NextRequest } from "next/server";
import { ACCESS_HEADER, decideAccess, shareTokenOf } from "@/lib/auth/read-access";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { nextServerOrigin } from "@/lib/net";
import {
  HSTS,
  LOCKED_DOWN_CSP,
  STATIC_SECURITY_HEADERS,
  newNonce,
  pageCsp,
  servedOverHttps,
} from "@/lib/web/security-headers";

/**
 * Private deployments (PUBLIC_READ=false): every page and API route is refused unless the
 * visitor is signed in or carries a share token for exactly this thing (lib/auth/read-access).
 * A refused page is rewritten to /share/unavailable with the right status and a sentence
 * saying why; a refused API call answers JSON. A public deployment passes straight through.
 * Every answer carries the security headers (lib/web/security-headers.ts): a page's CSP
 * holds a fresh nonce, which Next reads from the request's CSP header for its own scripts.
 */
export async function proxy(request: NextRequest) {
  const env = getEnv();
  const https = servedOverHttps({
    appOrigin: env.APP_ORIGIN,
    trustProxy: env.TRUST_PROXY,
    forwardedProto: request.headers.get("x-forwarded-proto"),
  });
  const csp = request.nextUrl.pathname.startsWith("/api/")
    ? LOCKED_DOWN_CSP
    : pageCsp({
        nonce: newNonce(),
        dev: process.env.NODE_ENV === "development",
        devnet: env.DEVNET,
        https,
      });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", csp);
  return secure(await decide(request, requestHeaders), csp, https);
}

function secure(response: Response, csp: string, https: boolean): Response {
  response.headers.set("Content-Security-Policy", csp);
  for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) {
    // A share page's stricter "no-referrer" stays.
    if (!response.headers.has(name)) response.headers.set(name, value);
  }
  if (https) response.headers.set("Strict-Transport-Security", HSTS);
  return response;
}

async function decide(request: NextRequest, requestHeaders: Headers): Promise<Response> {
  let decision;
  try {
    decision = await decideAccess(request);
  } catch (error) {
    // Fail closed: without a database answer nobody is let in on a token or a session.
    log.error({ err: error, url: request.nextUrl.pathname }, "Access check failed");
    return Response.json(
      {
        error: "access_check_failed",
        message: "Access could not be checked (the database did not answer); try again shortly.",
      },
      { status: 503 },
    );
  }
  if (decision.allowed) {
    const response = NextResponse.next({ request: { headers: requestHeaders } });
    if (decision.via === "share" || shareTokenOf(request)) {
      // A token in the address must not travel on to other sites, nor into shared caches.
      response.headers.set("Referrer-Policy", "no-referrer");
      response.headers.set("Cache-Control", "private, no-store");
      response.headers.set("X-Robots-Tag", "noindex");
    }
    return response;
  }
  const headers = { "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer" };
  if (request.nextUrl.pathname.startsWith("/api/")) {
    return Response.json(
      {
        error: decision.problem,
        message: decision.message,
        ...(decision.opens ? { opens: decision.opens.href.split("?")[0] } : {}),
      },
      { status: decision.status, headers },
    );
  }
  requestHeaders.set(
    ACCESS_HEADER,
    encodeURIComponent(
      JSON.stringify({
        problem: decision.problem,
        message: decision.message,
        opens: decision.opens,
      }),
    ),
  );
  // Note: a rewrite stays inside the app only when its origin is the one Next's router
  // was started with (scripts/serve.ts); request.url may name another host.
  const { HOST, PORT } = getEnv();
  const target = new URL(
    "/share/unavailable",
    nextServerOrigin(request.nextUrl.protocol, HOST, PORT),
  );
  return NextResponse.rewrite(target, {
    status: decision.status,
    headers,
    request: { headers: requestHeaders },
  });
}

export const config = {
  // Static assets never carry data; everything else (pages, RSC payloads, API) is checked.
  matcher: ["/((?!_next/static/|_next/image|favicon.ico|icon.svg).*)"],
};
