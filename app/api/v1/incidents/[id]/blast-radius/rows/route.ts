import { z } from "zod";
import { notFound } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { limitSchema, parseParam, parseQuery } from "@/lib/api/schemas/query";
import { BLAST_PARTS, listBlastRadii } from "@/lib/db/blast-radius";
import { listBlastRows } from "@/lib/db/blast-radius-rows";

type Context = { params: Promise<{ id: string }> };

const querySchema = z.object({
  part: z.enum(BLAST_PARTS),
  /** A stored computation; the newest when absent. */
  computation: z.uuid().optional(),
  after: z.coerce.number().int().min(0).default(0),
  limit: limitSchema(100, 500),
});

/** GET: one table of a stored blast radius, paged by position. */
export const GET = apiRoute<Context>(async (request, { params }) => {
  const id = parseParam("id", z.uuid("must be an incident id"), (await params).id);
  const q = parseQuery(querySchema, new URL(request.url).searchParams);
  const computations = await listBlastRadii(id);
  const chosen = q.computation ? computations.find((c) => c.id === q.computation) : computations[0];
  if (!chosen)
    throw notFound(`Incident ${id} has no blast radius ${q.computation ?? "computed yet"}.`);
  const rows = await listBlastRows(chosen.id, q.part, { after: q.after, limit: q.limit });
  return Response.json({
    computation: chosen.id,
    rows,
    nextAfter: rows.length === q.limit ? rows.at(-1)!.position : null,
  });
});
