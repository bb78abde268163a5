import { decodeSegment } from "@/lib/web/links";
import { apiRoute } from "@/lib/api/handler";
import { getInferenceOrThrow } from "@/lib/db/inferences";

export const dynamic = "force-dynamic";

/** GET /api/v1/inferences/{id}: the provenance card, orphaned records included. */
export const GET = apiRoute<{ params: Promise<{ id: string }> }>(async (_request, { params }) => {
  const { id } = await params;
  return Response.json(await getInferenceOrThrow(decodeSegment(id)));
});
