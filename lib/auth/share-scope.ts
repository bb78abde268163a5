import { z } from "zod";
import { hash32Schema } from "@/lib/api/schemas/common";

/** What a share link opens: one output (by hash), one dispute or one incident (by id). */
export const SHARE_SCOPE_TYPES = ["output", "dispute", "incident"] as const;
export type ShareScopeType = (typeof SHARE_SCOPE_TYPES)[number];

export interface ShareScope {
  type: ShareScopeType;
  /** Canonical: 0x-lowercase hash for an output, lowercase UUID for a dispute or incident. */
  id: string;
}

/** Where a request points, as far as share links are concerned. */
export type ShareTarget =
  | { kind: "scope"; scope: ShareScope }
  /** An inference page or API answer: allowed for an output link when it produced that output. */
  | { kind: "inference"; id: string };

const uuidSchema = z.uuid().transform((v) => v.toLowerCase());

/** The canonical form of a scope id, or null when it is not one (hash or UUID, per type). */
export function canonicalScopeId(type: ShareScopeType, raw: string): string | null {
  const parsed = (type === "output" ? hash32Schema : uuidSchema).safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** The page a scope is read on. */
export function scopePagePath(scope: ShareScope): string {
  if (scope.type === "output") return `/o/${scope.id}`;
  return scope.type === "dispute" ? `/disputes/${scope.id}` : `/incidents/${scope.id}`;
}

/** The scope in words, for "This link only opens …". */
export function describeScope(scope: ShareScope): string {
  if (scope.type === "output") return `output ${scope.id.slice(0, 10)}…${scope.id.slice(-4)}`;
  return `${scope.type} ${scope.id}`;
}

/** Generated preview images under a page (`opengraph-image`, `twitter-image`, with Next's suffixes). */
const PREVIEW_IMAGE = /^(opengraph|twitter)-image(-[a-z0-9]+)?$/;

/**
 * Splits a raw (still percent-encoded) path into decoded segments, or null when it could
 * mean more than one thing: empty segments (`//`, a trailing slash), `.` and `..`, a
 * backslash, or an encoded `/`, `\` or `%` (a segment must decode exactly once). A share
 * token then matches nothing: anything ambiguous is denied, never normalized.
 */
export function strictSegments(pathname: string): string[] | null {
  if (!pathname.startsWith("/")) return null;
  const raw = pathname.slice(1).split("/");
  const out: string[] = [];
  for (const part of raw) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(part);
    } catch {
      return null;
    }
    if (!decoded || decoded === "." || decoded === "..") return null;
    if (/[/\\%]/.test(decoded) || /[\u0000-\u001f]/.test(decoded)) return null;
    out.push(decoded);
  }
  return out;
}

/** `[prefix…, id]` or `[prefix…, id, one of extra]` (extra: sub-resources of that thing). */
function scopeOf(
  type: ShareScopeType,
  rawId: string,
  rest: string[],
  extra: (rest: string[]) => boolean,
): ShareTarget | null {
  const id = canonicalScopeId(type, rawId);
  if (!id) return null;
  if (rest.length > 0 && !extra(rest)) return null;
  return { kind: "scope", scope: { type, id } };
}

const previewImage = (rest: string[]) =>
  PREVIEW_IMAGE.test(rest[0]!) &&
  (rest.length === 1 || (rest.length === 2 && /^\w+$/.test(rest[1]!)));
const only =
  (...allowed: string[][]) =>
  (rest: string[]) =>
    allowed.some((a) => a.length === rest.length && a.every((s, i) => s === rest[i]));

/**
 * The one thing a request path reads, when a share link could grant it; null for every
 * other path (lists, models, the audit log, search, other pages). Pages and their API
 * twins are listed one by one: a share token opens these and nothing else.
 */
export function shareTargetOf(pathname: string): ShareTarget | null {
  const s = strictSegments(pathname);
  if (!s || s.length < 2) return null;
  const [first, second, ...rest] = s as [string, string, ...string[]];
  if (first === "o") return scopeOf("output", second, rest, previewImage);
  if (first === "incidents") return scopeOf("incident", second, rest, previewImage);
  if (first === "disputes") return scopeOf("dispute", second, rest, previewImage);
  if (first === "inferences") {
    return rest.length === 0 || previewImage(rest) ? { kind: "inference", id: second } : null;
  }
  if (first !== "api" || second !== "v1" || rest.length < 2) return null;
  const [noun, id, ...sub] = rest as [string, string, ...string[]];
  if (noun === "outputs") return scopeOf("output", id, sub, only(["bundle"]));
  if (noun === "disputes") return scopeOf("dispute", id, sub, only(["bundle"]));
  if (noun === "incidents") {
    return scopeOf(
      "incident",
      id,
      sub,
      only(["bundle"], ["blast-radius"], ["blast-radius", "rows"], ["blast-radius", "export"]),
    );
  }
  if (noun === "inferences" && sub.length === 0) return { kind: "inference", id };
  return null;
}

/** Whether `target` is inside `scope` without a database look-up (inferences need one). */
export function scopeCovers(scope: ShareScope, target: ShareTarget): boolean {
  return (
    target.kind === "scope" && target.scope.type === scope.type && target.scope.id === scope.id
  );
}

/**
 * Paths every visitor of a private deployment may load: Next's assets, the icon, the
 * health checks, sign-in (`/api/v1/auth/*`), the API description and published JSON Schemas.
 */
export function isOpenPath(pathname: string): boolean {
  if (pathname.startsWith("/_next/static/") || pathname.startsWith("/_next/image")) return true;
  if (["/favicon.ico", "/icon.svg", "/robots.txt", "/api/health", "/api/ready"].includes(pathname))
    return true;
  if (pathname === "/api/v1/openapi.json") return true;
  const s = strictSegments(pathname);
  if (!s) return false;
  if (s[0] !== "api" || s[1] !== "v1") return false;
  return (s[2] === "auth" || s[2] === "schemas") && s.length === 4;
}

/** A share token as this app gives them out: 32 random bytes, base64url (43 characters). */
export const SHARE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
