import "server-only";
import { assertSameOrigin } from "@/lib/auth/origin";
import { clientAddress, createRateLimiter } from "@/lib/api/rate-limit";
import { getEnv } from "@/lib/env";

const limiter = createRateLimiter({ limit: 30, windowMs: 60_000 });

/** Sign-in routes: same-origin only, and at most 30 attempts a minute per client address. */
export function guardAuth(request: Request): void {
  assertSameOrigin(request);
  limiter.consume(`auth:${clientAddress(request, getEnv().TRUST_PROXY)}`);
}
