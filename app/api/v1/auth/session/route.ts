import { apiRoute } from "@/lib/api/handler";
import { sessionOf } from "@/lib/auth/session";

/** GET /api/v1/auth/session: who this browser is signed in as, or `{ user: null }`. */
export const GET = apiRoute(async (request) => {
  const user = await sessionOf(request);
  return Response.json(
    {
      user: user
        ? { address: user.address, role: user.role, expiresAt: user.expiresAt.toISOString() }
        : null,
    },
    { headers: { "Cache-Control": "no-store" } },
  );
});
