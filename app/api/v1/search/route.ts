import { apiRoute } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/schemas/query";
import { searchQuerySchema } from "@/lib/api/schemas/search";
import { searchEvidence } from "@/lib/db/search";

export const dynamic = "force-dynamic";

/** GET /api/v1/search?q: exact look-up across hashes, addresses, ids and model names. */
export const GET = apiRoute(async (request) => {
  const { q } = parseQuery(searchQuerySchema, new URL(request.url).searchParams);
  return Response.json(await searchEvidence(q));
});
