import { methodNotAllowed } from "@/lib/api/errors";
import { readJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { incidentDraftSchema, MAX_INCIDENT_BODY_BYTES } from "@/lib/api/schemas/incidents";
import { expectedOrigin } from "@/lib/auth/origin";
import { requireUser } from "@/lib/auth/session";
import { prepareIncidentStatement } from "@/lib/db/incident-statements";

/**
 * POST /api/v1/incidents/statement: checks an operator's draft and answers the EIP-712
 * statement to sign (nothing is stored until the signed statement is posted).
 */
export const POST = apiRoute(async (request) => {
  await requireUser(request, "operator");
  const { body } = await readJsonBody(request, MAX_INCIDENT_BODY_BYTES);
  const draft = incidentDraftSchema.parse(body);
  const statement = await prepareIncidentStatement(draft, expectedOrigin(request));
  return Response.json({ statement });
});

export function GET() {
  return methodNotAllowed(["POST"]);
}
