import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { bundleResponse } from "@/lib/api/bundle-response";
import { parseParam } from "@/lib/api/schemas/query";
import { expectedOrigin } from "@/lib/auth/origin";
import { buildIncidentBundle } from "@/lib/db/evidence-bundle";

export const dynamic = "force-dynamic";

/** GET /api/v1/incidents/{id}/bundle: the signed incident's evidence bundle. */
export const GET = apiRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const id = parseParam("id", z.uuid("must be an incident id"), (await params).id);
  return bundleResponse(await buildIncidentBundle(id, expectedOrigin(request)));
});
