import { apiRoute } from "@/lib/api/handler";
import { disputeIdSchema } from "@/lib/api/schemas/disputes";
import { parseParam } from "@/lib/api/schemas/query";
import { getDisputeOrThrow } from "@/lib/db/disputes";

type Context = { params: Promise<{ id: string }> };

/** GET /api/v1/disputes/{id}: the dispute, its thread, the output's inferences, the linked incident. */
export const GET = apiRoute<Context>(async (_request, { params }) => {
  const id = parseParam("id", disputeIdSchema, (await params).id);
  return Response.json({ dispute: await getDisputeOrThrow(id) });
});
