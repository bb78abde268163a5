import { methodNotAllowed } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { clearedSessionCookie, requireUser } from "@/lib/auth/session";
import { signOut } from "@/lib/db/sessions";

/** POST /api/v1/auth/sign-out: ends this browser's session. */
export const POST = apiRoute(async (request) => {
  const user = await requireUser(request, "viewer");
  await signOut(user);
  return Response.json(
    { user: null },
    { headers: { "Set-Cookie": clearedSessionCookie(request) } },
  );
});

export function GET() {
  return methodNotAllowed(["POST"]);
}
