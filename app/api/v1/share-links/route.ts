import { readJsonBody } from "@/lib/api/body";
import { forbidden, methodNotAllowed, unauthorized } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/schemas/query";
import {
  createShareLinkBodySchema,
  MAX_SHARE_LINK_BODY_BYTES,
  shareLinkListQuerySchema,
} from "@/lib/api/schemas/share-links";
import { expectedOrigin } from "@/lib/auth/origin";
import { hasRole } from "@/lib/auth/roles";
import { requireUser, sessionOf } from "@/lib/auth/session";
import { createShareLink, listShareLinks } from "@/lib/db/share-links";

/** GET /api/v1/share-links?scopeType&scopeId: the links to one thing and their state (auditor+). */
export const GET = apiRoute(async (request) => {
  const user = await sessionOf(request);
  if (!user) throw unauthorized("Sign in as an auditor to list share links.");
  if (!hasRole(user.role, "auditor")) {
    throw forbidden(`Listing share links needs the auditor role; you are ${user.role}.`);
  }
  const q = parseQuery(shareLinkListQuerySchema, new URL(request.url).searchParams);
  return Response.json({ links: await listShareLinks({ type: q.scopeType, id: q.scopeId }) });
});

/** POST /api/v1/share-links: a read-only link to one output, dispute or incident (auditor+). */
export const POST = apiRoute(async (request) => {
  const user = await requireUser(request, "auditor");
  const { body } = await readJsonBody(request, MAX_SHARE_LINK_BODY_BYTES);
  const { scopeType, scopeId, expiresInHours } = createShareLinkBodySchema.parse(body);
  const created = await createShareLink({
    scope: { type: scopeType, id: scopeId },
    expiresInHours,
    user,
    origin: expectedOrigin(request),
  });
  return Response.json(created, { status: 201, headers: { "Cache-Control": "no-store" } });
});

export function PUT() {
  return methodNotAllowed(["GET", "POST"]);
}
