import { checkReadiness } from "@/lib/system/health";

export const dynamic = "force-dynamic";

/**
 * Readiness: 200 when the database answers, every migration is applied and each chain's
 * indexer heartbeat is fresh; otherwise 503 with every failing check's reason, first the
 * most basic (a dead database says only that).
 */
export async function GET() {
  const { ready, checks } = await checkReadiness();
  const reasons = checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
  return Response.json(
    { status: ready ? "ready" : "not_ready", reasons, checks },
    { status: ready ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
