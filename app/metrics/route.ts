import crypto from "node:crypto";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { getMetrics } from "@/lib/metrics";
import { collectFromDatabase } from "@/lib/metrics-collect";

export const dynamic = "force-dynamic";

/** Compares without leaking, through timing, how much of a guessed token was right. */
function sameToken(given: string, expected: string): boolean {
  const a = crypto.createHash("sha256").update(given).digest();
  const b = crypto.createHash("sha256").update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/**
 * GET /metrics: Prometheus text format. The indexing gauges are read from the database at
 * scrape time; HTTP and ingest figures are this process's own since it started. With
 * METRICS_TOKEN set, only `Authorization: Bearer <token>` is answered.
 */
export async function GET(request: Request) {
  const token = getEnv().METRICS_TOKEN;
  if (token) {
    const given = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
    if (!given || !sameToken(given, token)) {
      return Response.json(
        {
          error: "unauthorized",
          message: "Metrics need `Authorization: Bearer <METRICS_TOKEN>`.",
        },
        { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="metrics"' } },
      );
    }
  }
  const { registry } = getMetrics();
  try {
    await collectFromDatabase();
  } catch (error) {
    // The process's own figures still say something useful; the database ones are left out.
    log.warn({ err: error }, "Metrics could not read the database");
    return new Response(await registry.metrics(), {
      status: 503,
      headers: { "Content-Type": registry.contentType, "Cache-Control": "no-store" },
    });
  }
  return new Response(await registry.metrics(), {
    headers: { "Content-Type": registry.contentType, "Cache-Control": "no-store" },
  });
}
