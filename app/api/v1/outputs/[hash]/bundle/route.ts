import { apiRoute } from "@/lib/api/handler";
import { bundleResponse } from "@/lib/api/bundle-response";
import { hash32Schema } from "@/lib/api/schemas/common";
import { parseParam } from "@/lib/api/schemas/query";
import { expectedOrigin } from "@/lib/auth/origin";
import { buildOutputBundle } from "@/lib/db/evidence-bundle";

export const dynamic = "force-dynamic";

/** GET /api/v1/outputs/{hash}/bundle: the output's evidence bundle (check it with `npx provenance-verify`). */
export const GET = apiRoute<{ params: Promise<{ hash: string }> }>(async (request, { params }) => {
  const hash = parseParam("hash", hash32Schema, (await params).hash);
  return bundleResponse(await buildOutputBundle(hash, expectedOrigin(request)));
});
