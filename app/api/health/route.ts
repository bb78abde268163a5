import { checkLiveness } from "@/lib/system/health";

export const dynamic = "force-dynamic";

/**
 * Liveness: 200 while this server can answer from the database, 503 with the reason when it
 * cannot (the pages answer 503 then too). The indexer's state is readiness: /api/ready.
 */
export async function GET() {
  const database = await checkLiveness();
  return Response.json(
    database.ok ? { status: "ok" } : { status: "unavailable", reason: database.detail },
    { status: database.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
