import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { parseParam } from "@/lib/api/schemas/query";
import { getIncidentOrThrow } from "@/lib/db/incidents";

type Context = { params: Promise<{ id: string }> };

/** GET /api/v1/incidents/{id}: the statement (re-verified), findings and blast radii. */
export const GET = apiRoute<Context>(async (_request, { params }) => {
  const id = parseParam("id", z.uuid("must be an incident id"), (await params).id);
  return Response.json({ incident: await getIncidentOrThrow(id) });
});
