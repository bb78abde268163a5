import { readJsonBody } from "@/lib/api/body";
import { methodNotAllowed } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import {
  disputeIdSchema,
  disputeIncidentBodySchema,
  MAX_DISPUTE_BODY_BYTES,
} from "@/lib/api/schemas/disputes";
import { parseParam } from "@/lib/api/schemas/query";
import { requireUser } from "@/lib/auth/session";
import { getDisputeOrThrow, linkIncident } from "@/lib/db/disputes";

type Context = { params: Promise<{ id: string }> };

/** PUT /api/v1/disputes/{id}/incident: an operator links (or, with null, unlinks) an incident, with a note (audited). */
export const PUT = apiRoute<Context>(async (request, { params }) => {
  const user = await requireUser(request, "operator");
  const id = parseParam("id", disputeIdSchema, (await params).id);
  const { body } = await readJsonBody(request, MAX_DISPUTE_BODY_BYTES);
  const { incidentId, note } = disputeIncidentBodySchema.parse(body);
  const entryId = await linkIncident({ actor: user.address, disputeId: id, incidentId, note });
  return Response.json({ entryId, dispute: await getDisputeOrThrow(id) });
});

export function GET() {
  return methodNotAllowed(["PUT"]);
}
