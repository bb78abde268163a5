import { apiRoute } from "@/lib/api/handler";
import { expectedOrigin } from "@/lib/auth/origin";
import { evidenceBundleJsonSchema, SCHEMA_PATH } from "@/lib/evidence/bundle";

/** GET /api/v1/schemas/evidence-bundle.json: the evidence bundle's JSON Schema (draft 2020-12). */
export const GET = apiRoute(async (request) =>
  Response.json(evidenceBundleJsonSchema(`${expectedOrigin(request)}${SCHEMA_PATH}`), {
    headers: { "Cache-Control": "public, max-age=300" },
  }),
);
