import "server-only";
import { readJsonBody } from "@/lib/api/body";
import { createRateLimiter, clientAddress, type RateLimiter } from "@/lib/api/rate-limit";
import { getEnv } from "@/lib/env";

let limiter: RateLimiter | undefined;

/**
 * The guard in front of every evidence endpoint, which needs no credential (receipts are
 * signed by enclaves, actions by agents): a per-address rate limit, then a size-capped,
 * JSON-only body. Returns the parsed body and its text.
 */
export async function guardIngest(
  request: Request,
  maxBytes: number,
): Promise<{ body: unknown; text: string }> {
  const env = getEnv();
  limiter ??= createRateLimiter({ limit: env.INGEST_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 });
  limiter.consume(clientAddress(request, env.TRUST_PROXY));
  return readJsonBody(request, maxBytes);
}
