import { apiRoute } from "@/lib/api/handler";
import { inferenceListQuerySchema } from "@/lib/api/schemas/inferences";
import { parseQuery } from "@/lib/api/schemas/query";
import { listInferences } from "@/lib/db/inferences";

export const dynamic = "force-dynamic";

/** GET /api/v1/inferences?model&version&from&to&status&enclave&payer&agent&cursor&limit */
export const GET = apiRoute(async (request) => {
  const query = parseQuery(inferenceListQuerySchema, new URL(request.url).searchParams);
  return Response.json(await listInferences(query));
});
