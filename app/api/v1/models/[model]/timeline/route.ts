import { apiRoute } from "@/lib/api/handler";
import { parseQuery, parseSegment } from "@/lib/api/schemas/query";
import { timelineQuerySchema } from "@/lib/api/schemas/timeline";
import { getModelTimeline } from "@/lib/db/timeline";

export const dynamic = "force-dynamic";

/** GET /api/v1/models/{model}/timeline?from&to&bucket&asOf&version&enclave&status&payer&agent */
export const GET = apiRoute<{ params: Promise<{ model: string }> }>(async (request, { params }) => {
  const { model } = await params;
  const query = parseQuery(timelineQuerySchema, new URL(request.url).searchParams);
  return Response.json(await getModelTimeline(parseSegment("model", model), query));
});
