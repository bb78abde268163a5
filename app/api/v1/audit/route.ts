import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { limitSchema, parseQuery } from "@/lib/api/schemas/query";
import { listAuditEvents } from "@/lib/db/audit";

const querySchema = z.object({
  before: z
    .string()
    .regex(/^\d{1,19}$/, "must be a seq number")
    .optional(),
  actor: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  limit: limitSchema(50, 500),
});

/** GET /api/v1/audit: the hash-chained log, newest first (page with `before`). */
export const GET = apiRoute(async (request) => {
  const q = parseQuery(querySchema, new URL(request.url).searchParams);
  return Response.json(
    await listAuditEvents({
      limit: q.limit,
      beforeSeq: q.before,
      actor: q.actor?.toLowerCase(),
      action: q.action,
    }),
  );
});
