import { z } from "zod";
import { notFound } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { parseParam, parseQuery } from "@/lib/api/schemas/query";
import { BLAST_PARTS } from "@/lib/db/blast-radius";
import { BLAST_CSV_COLUMNS, csvLine, listBlastRows } from "@/lib/db/blast-radius-rows";
import { getIncidentOrThrow } from "@/lib/db/incidents";

type Context = { params: Promise<{ id: string }> };

const querySchema = z.object({
  format: z.enum(["csv", "json"]).default("json"),
  computation: z.uuid().optional(),
});

/**
 * GET: a stored blast radius as a download: JSON (the incident's signed statement, the
 * summary and every row) or CSV (one row per item, a `part` column naming its table).
 * Known agents' actions (`actions`) and unknown agents' (`unknownActions`) stay apart: two
 * arrays and two counts in JSON, and an `agentTrust` column (known | unknown) in CSV.
 */
export const GET = apiRoute<Context>(async (request, { params }) => {
  const id = parseParam("id", z.uuid("must be an incident id"), (await params).id);
  const q = parseQuery(querySchema, new URL(request.url).searchParams);
  const incident = await getIncidentOrThrow(id);
  const chosen = q.computation
    ? incident.blastRadii.find((c) => c.id === q.computation)
    : incident.blastRadii[0];
  if (!chosen)
    throw notFound(`Incident ${id} has no blast radius ${q.computation ?? "computed yet"}.`);
  const parts = await Promise.all(
    BLAST_PARTS.map(
      async (part) =>
        [part, await listBlastRows(chosen.id, part, { after: 0, limit: null })] as const,
    ),
  );
  const stamp = chosen.computedAt.replace(/[:.]/g, "-");
  const name = `blast-radius-${id}-${stamp}.${q.format}`;
  const headers = {
    "Content-Disposition": `attachment; filename="${name}"`,
    "Cache-Control": "private, max-age=0",
  };
  if (q.format === "csv") {
    const body = [csvLine(BLAST_CSV_COLUMNS)]
      .concat(
        parts.flatMap(([, rows]) => rows.map((r) => csvLine(BLAST_CSV_COLUMNS.map((c) => r[c])))),
      )
      .join("");
    return new Response(body, {
      headers: { ...headers, "Content-Type": "text/csv; charset=utf-8" },
    });
  }
  return Response.json(
    {
      incident: { ...incident, blastRadii: undefined },
      blastRadius: { ...chosen, asKnownAt: chosen.computedAt },
      agentActions: {
        known: chosen.summary.actions,
        unknown: chosen.summary.unknownActions ?? null,
        unknownAgents: chosen.summary.unknownAgents ?? null,
      },
      ...Object.fromEntries(parts),
    },
    { headers },
  );
});
