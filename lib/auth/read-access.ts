import "server-only";
import {
  describeScope,
  isOpenPath,
  scopeCovers,
  scopePagePath,
  SHARE_TOKEN_PATTERN,
  shareTargetOf,
  type ShareScope,
} from "@/lib/auth/share-scope";
import { sessionOf } from "@/lib/auth/session";
import { findShareLink, inferenceOutputHash } from "@/lib/db/share-links";
import { getEnv } from "@/lib/env";
import { formatUtc } from "@/lib/web/format";

/** The query parameter and the header a share token travels in. */
export const SHARE_PARAM = "share";
export const SHARE_HEADER = "x-share-token";
/** The request header the proxy uses to tell /share/unavailable why a page was refused. */
export const ACCESS_HEADER = "x-provenance-access";

export type AccessProblem =
  "private" | "unknown_link" | "expired_link" | "revoked_link" | "out_of_scope" | "read_only";

export type AccessDecision =
  | { allowed: true; via: "public" | "open_path" | "session" | "share"; scope?: ShareScope }
  | {
      allowed: false;
      status: 401 | 403 | 404 | 410;
      problem: AccessProblem;
      /** One sentence for a person, the same on the page and in the API's JSON. */
      message: string;
      /** For out-of-scope links: the page the link does open (token included). */
      opens?: { href: string; label: string };
    };

const READ_METHODS = new Set(["GET", "HEAD"]);

function deny(
  status: 401 | 403 | 404 | 410,
  problem: AccessProblem,
  message: string,
  opens?: { href: string; label: string },
): AccessDecision {
  return { allowed: false, status, problem, message, ...(opens ? { opens } : {}) };
}

/** The share token a request carries: `?share=` (pages, downloads) or X-Share-Token (API calls). */
export function shareTokenOf(request: Request): string | null {
  return (
    new URL(request.url).searchParams.get(SHARE_PARAM) || request.headers.get(SHARE_HEADER) || null
  );
}

/**
 * Whether a request may read what it asks for. A public deployment (PUBLIC_READ, the
 * default) lets everything through; a private one denies by default and lets through only
 * the open paths (assets, sign-in, API description), a signed-in session of any role, or a
 * share token whose link is live and whose scope covers this exact path, for GET and HEAD.
 * The link is looked up on every call: revocation and expiry apply to the next request.
 */
export async function decideAccess(
  request: Request,
  publicRead: boolean = getEnv().PUBLIC_READ,
): Promise<AccessDecision> {
  if (publicRead) return { allowed: true, via: "public" };
  const { pathname } = new URL(request.url);
  if (isOpenPath(pathname)) return { allowed: true, via: "open_path" };
  // A scraper has no session: /metrics checks METRICS_TOKEN itself when one is set, and
  // without one it stays as private as every other page.
  if (pathname === "/metrics" && getEnv().METRICS_TOKEN) return { allowed: true, via: "open_path" };
  if (await sessionOf(request)) return { allowed: true, via: "session" };
  const token = shareTokenOf(request);
  if (!token) {
    return deny(
      401,
      "private",
      "This deployment is private: sign in with your wallet, or open a share link someone gave you.",
    );
  }
  const link = SHARE_TOKEN_PATTERN.test(token) ? await findShareLink(token) : null;
  if (!link) {
    return deny(
      404,
      "unknown_link",
      "This link is not valid: check that it was copied whole, or ask for a new one.",
    );
  }
  if (link.state === "revoked") {
    return deny(410, "revoked_link", `This link was revoked on ${formatUtc(link.revokedAt!)}.`);
  }
  if (link.state === "expired") {
    return deny(410, "expired_link", `This link expired on ${formatUtc(link.expiresAt)}.`);
  }
  const opens = {
    href: `${scopePagePath(link.scope)}?${SHARE_PARAM}=${token}`,
    label: describeScope(link.scope),
  };
  if (!READ_METHODS.has(request.method)) {
    return deny(
      403,
      "read_only",
      `A share link is read-only: it cannot ${request.method} anything. Sign in to act.`,
      opens,
    );
  }
  if (await covers(link.scope, pathname)) return { allowed: true, via: "share", scope: link.scope };
  return deny(403, "out_of_scope", `This link only opens ${opens.label}.`, opens);
}

async function covers(scope: ShareScope, pathname: string): Promise<boolean> {
  const target = shareTargetOf(pathname);
  if (!target) return false;
  if (target.kind === "scope") return scopeCovers(scope, target);
  // An inference page is part of an output link when that inference produced the output.
  return scope.type === "output" && (await inferenceOutputHash(target.id)) === scope.id;
}
