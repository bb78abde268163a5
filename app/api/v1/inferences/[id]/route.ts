import { apiRoute } from "@/lib/api/handler";
import { parseSegment } from "@/lib/api/schemas/query";
import { getInferenceOrThrow } from "@/lib/db/inferences";

export const dynamic = "force-dynamic";

/** GET /api/v1/inferences/{id}: the provenance card, orphaned records included. */
export const GET = apiRoute<{ params: Promise<{ id: string }> }>(async (_request, { params }) => {
  const { id } = await params;
  return Response.json(await getInferenceOrThrow(parseSegment("id", id)));
});
