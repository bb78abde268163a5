import { z } from "zod";
import { methodNotAllowed } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { parseParam } from "@/lib/api/schemas/query";
import { requireUser } from "@/lib/auth/session";
import { compareBlastRadii, listBlastRadii } from "@/lib/db/blast-radius";
import { recomputeBlastRadius } from "@/lib/db/incident-statements";
import { assertIncidentExists } from "@/lib/db/incidents";

type Context = { params: Promise<{ id: string }> };
const idSchema = z.uuid("must be an incident id");

/** GET: every stored computation (newest first) and how the newest differs from the one before. */
export const GET = apiRoute<Context>(async (_request, { params }) => {
  const id = parseParam("id", idSchema, (await params).id);
  await assertIncidentExists(id);
  const computations = await listBlastRadii(id);
  const [newest, previous] = computations;
  const changes = newest && previous ? await compareBlastRadii(newest.id, previous.id) : null;
  return Response.json({ computations, changes });
});

/** POST: recompute from the evidence as known now, stored as a new computation (auditor+). */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const user = await requireUser(request, "auditor");
  const id = parseParam("id", idSchema, (await params).id);
  // computeBlastRadius answers 404 itself for an unknown incident.
  return Response.json({ computation: await recomputeBlastRadius(id, user) }, { status: 201 });
});

export function PUT() {
  return methodNotAllowed(["GET", "POST"]);
}
