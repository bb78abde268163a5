import { methodNotAllowed } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { parseParam } from "@/lib/api/schemas/query";
import { shareLinkIdSchema } from "@/lib/api/schemas/share-links";
import { requireUser } from "@/lib/auth/session";
import { revokeShareLinkOrThrow } from "@/lib/db/share-links";

type Context = { params: Promise<{ id: string }> };

/** POST /api/v1/share-links/{id}/revoke: the link stops working at once (auditor+); 409 if already revoked. */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const user = await requireUser(request, "auditor");
  const id = parseParam("id", shareLinkIdSchema, (await params).id);
  return Response.json({ link: await revokeShareLinkOrThrow(id, user) });
});

export function GET() {
  return methodNotAllowed(["POST"]);
}
