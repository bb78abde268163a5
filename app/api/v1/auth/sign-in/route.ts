import { methodNotAllowed } from "@/lib/api/errors";
import { readJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { guardAuth } from "@/lib/api/auth-guard";
import { MAX_AUTH_BODY_BYTES, signInBodySchema } from "@/lib/api/schemas/auth";
import { expectedOrigin } from "@/lib/auth/origin";
import { sessionCookie } from "@/lib/auth/session";
import { signInWithEthereum } from "@/lib/db/sessions";

/** POST /api/v1/auth/sign-in: an EIP-4361 message and its signature open a session. */
export const POST = apiRoute(async (request) => {
  guardAuth(request);
  const { body } = await readJsonBody(request, MAX_AUTH_BODY_BYTES);
  const { message, signature } = signInBodySchema.parse(body);
  const user = await signInWithEthereum({ message, signature, origin: expectedOrigin(request) });
  return Response.json(
    { user: { address: user.address, role: user.role, expiresAt: user.expiresAt.toISOString() } },
    { status: 201, headers: { "Set-Cookie": sessionCookie(request, user.token, user.expiresAt) } },
  );
});

export function GET() {
  return methodNotAllowed(["POST"]);
}
