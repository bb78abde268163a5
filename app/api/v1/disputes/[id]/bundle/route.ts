import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { bundleResponse } from "@/lib/api/bundle-response";
import { parseParam } from "@/lib/api/schemas/query";
import { expectedOrigin } from "@/lib/auth/origin";
import { buildDisputeBundle } from "@/lib/db/evidence-bundle";

export const dynamic = "force-dynamic";

/** GET /api/v1/disputes/{id}/bundle: the dispute's thread with its output's evidence. */
export const GET = apiRoute<{ params: Promise<{ id: string }> }>(async (request, { params }) => {
  const id = parseParam("id", z.uuid("must be a dispute id"), (await params).id);
  return bundleResponse(await buildDisputeBundle(id, expectedOrigin(request)));
});
