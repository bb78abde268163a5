import { methodNotAllowed } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { guardAuth } from "@/lib/api/auth-guard";
import { createSignInNonce } from "@/lib/db/sessions";

/** POST /api/v1/auth/nonce: a single-use nonce for one sign-in message (5 minutes). */
export const POST = apiRoute(async (request) => {
  guardAuth(request);
  return Response.json(await createSignInNonce(), {
    status: 201,
    headers: { "Cache-Control": "no-store" },
  });
});

export function GET() {
  return methodNotAllowed(["POST"]);
}
