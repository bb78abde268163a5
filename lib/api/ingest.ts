import "server-only";
import { readJsonBody } from "@/lib/api/body";
import {
  createRateLimiter,
  createWorkBudget,
  clientAddress,
  type RateLimiter,
  type WorkBudget,
} from "@/lib/api/rate-limit";
import { getEnv } from "@/lib/env";

let limiter: RateLimiter | undefined;
let signatureBudget: WorkBudget | undefined;

/**
 * The guard in front of every evidence endpoint, which needs no credential (receipts are
 * signed by enclaves, actions by agents): a per-address rate limit, then a size-capped,
 * JSON-only body (refused unread when the client's work `budget` is spent). Returns the
 * parsed body, its text, and the client address the limits are kept under.
 */
export async function guardIngest(
  request: Request,
  maxBytes: number,
  opts: { budget?: WorkBudget } = {},
): Promise<{ body: unknown; text: string; client: string }> {
  const env = getEnv();
  limiter ??= createRateLimiter({ limit: env.INGEST_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 });
  const client = clientAddress(request, env.TRUST_PROXY);
  limiter.consume(client);
  // A client that has spent its budget is answered before its body costs us anything.
  opts.budget?.assertNotSpent(client);
  return { ...(await readJsonBody(request, maxBytes)), client };
}

/**
 * The per-address budget of signed statements (VERIFY_BUDGET_PER_MINUTE): what one client
 * may make us validate and verify per minute, whatever its request rate.
 */
export function getStatementBudget(): WorkBudget {
  signatureBudget ??= createWorkBudget({
    limit: getEnv().VERIFY_BUDGET_PER_MINUTE,
    windowMs: 60_000,
    unit: "signed statements",
  });
  return signatureBudget;
}
