import { z } from "zod";
import { validationFailed } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { hash32Schema } from "@/lib/api/schemas/common";
import { getOutputOrThrow } from "@/lib/db/inferences";

export const dynamic = "force-dynamic";

/** GET /api/v1/outputs/{hash}: every inference that produced this output. */
export const GET = apiRoute<{ params: Promise<{ hash: string }> }>(async (_request, { params }) => {
  const parsed = z.object({ hash: hash32Schema }).safeParse(await params);
  if (!parsed.success) throw validationFailed(parsed.error);
  return Response.json(await getOutputOrThrow(parsed.data.hash));
});
