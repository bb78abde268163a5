import "server-only";
import { cookies } from "next/headers";
import { forbidden, unauthorized } from "@/lib/api/errors";
import { assertSameOrigin, expectedOrigin, isLocalOrigin } from "@/lib/auth/origin";
import { hasRole, type Role } from "@/lib/auth/roles";
import { findSession, type SessionUser } from "@/lib/db/sessions";

export const SESSION_COOKIE = "provenance_session";

function cookieToken(header: string | null): string | null {
  for (const part of (header ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === SESSION_COOKIE) return value.join("=") || null;
  }
  return null;
}

/** The signed-in user of an API request, or null (no cookie, unknown or expired session). */
export async function sessionOf(request: Request): Promise<SessionUser | null> {
  const token = cookieToken(request.headers.get("cookie"));
  if (!token) return null;
  const found = await findSession(token);
  return "problem" in found ? null : found;
}

/**
 * Guards a state-changing route: same-origin, signed in, and at least `role`. Throws 403 for
 * a cross-site request or a role too low, 401 without a live session (saying whether it
 * expired). Roles are read from the database on every request, so a change applies at once.
 */
export async function requireUser(request: Request, role: Role): Promise<SessionUser> {
  assertSameOrigin(request);
  const token = cookieToken(request.headers.get("cookie"));
  if (!token) throw unauthorized(`Sign in with your wallet first; this needs the ${role} role.`);
  const found = await findSession(token);
  if ("problem" in found) {
    throw unauthorized(
      found.problem === "expired"
        ? "Your session expired; sign in again."
        : "Your session is not valid (signed out?); sign in again.",
    );
  }
  if (!hasRole(found.role, role)) {
    throw forbidden(
      `This needs the ${role} role; ${found.address} is ${found.role}. Ask an admin to grant it.`,
    );
  }
  return found;
}

/** The Set-Cookie value for a new session (httpOnly, SameSite=Lax, Secure off localhost). */
export function sessionCookie(request: Request, token: string, expiresAt: Date): string {
  const secure = isLocalOrigin(expectedOrigin(request)) ? "" : "; Secure";
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}; Expires=${expiresAt.toUTCString()}${secure}`;
}

/** The Set-Cookie value that removes the session cookie. */
export function clearedSessionCookie(request: Request): string {
  const secure = isLocalOrigin(expectedOrigin(request)) ? "" : "; Secure";
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure}`;
}

/** The signed-in user for a server component (reads the request's cookie), or null. */
export async function currentUser(): Promise<SessionUser | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  const found = await findSession(token);
  return "problem" in found ? null : found;
}
