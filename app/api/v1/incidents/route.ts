import { z } from "zod";
import { readJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { MAX_INCIDENT_BODY_BYTES, signedIncidentBodySchema } from "@/lib/api/schemas/incidents";
import { parseQuery } from "@/lib/api/schemas/query";
import { expectedOrigin } from "@/lib/auth/origin";
import { requireUser } from "@/lib/auth/session";
import { recordSignedIncident } from "@/lib/db/incident-statements";
import { listIncidents } from "@/lib/db/incidents";

const listQuerySchema = z.object({
  status: z.enum(["proposed", "confirmed"]).optional(),
  model: z.string().max(300).optional(),
});

/** GET /api/v1/incidents: incidents newest first, superseded ones included. */
export const GET = apiRoute(async (request) => {
  const query = parseQuery(listQuerySchema, new URL(request.url).searchParams);
  return Response.json({ incidents: await listIncidents(query) });
});

/** POST /api/v1/incidents: a statement prepared by /incidents/statement, signed by an operator. */
export const POST = apiRoute(async (request) => {
  const user = await requireUser(request, "operator");
  const { body } = await readJsonBody(request, MAX_INCIDENT_BODY_BYTES);
  const { statement, signature } = signedIncidentBodySchema.parse(body);
  const recorded = await recordSignedIncident({
    statement,
    signature,
    origin: expectedOrigin(request),
    user,
  });
  return Response.json(recorded, { status: 201 });
});
