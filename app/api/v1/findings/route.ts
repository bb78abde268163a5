import { apiRoute } from "@/lib/api/handler";
import { findingListQuerySchema } from "@/lib/api/schemas/findings";
import { parseQuery } from "@/lib/api/schemas/query";
import { listFindings } from "@/lib/db/findings";

export const dynamic = "force-dynamic";

/** GET /api/v1/findings?kind&status&severity&model&cursor&limit */
export const GET = apiRoute(async (request) => {
  const query = parseQuery(findingListQuerySchema, new URL(request.url).searchParams);
  return Response.json(await listFindings(query));
});
