import { readJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import {
  disputeListQuerySchema,
  MAX_DISPUTE_BODY_BYTES,
  openDisputeBodySchema,
} from "@/lib/api/schemas/disputes";
import { parseQuery } from "@/lib/api/schemas/query";
import { requireUser } from "@/lib/auth/session";
import { getDisputeOrThrow, listDisputes, openDispute } from "@/lib/db/disputes";

/** GET /api/v1/disputes: newest activity first, filtered, paged by cursor, with counts per status. */
export const GET = apiRoute(async (request) => {
  const query = parseQuery(disputeListQuerySchema, new URL(request.url).searchParams);
  return Response.json(await listDisputes(query));
});

/** POST /api/v1/disputes: an auditor opens a dispute on an indexed output (audited). */
export const POST = apiRoute(async (request) => {
  const user = await requireUser(request, "auditor");
  const { body } = await readJsonBody(request, MAX_DISPUTE_BODY_BYTES);
  const { outputHash, reason } = openDisputeBodySchema.parse(body);
  const id = await openDispute({ actor: user.address, outputHash, reason });
  return Response.json({ dispute: await getDisputeOrThrow(id) }, { status: 201 });
});
