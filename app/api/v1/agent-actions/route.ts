import { parseSignedAgentActions } from "@/lib/api/agent-actions";
import { methodNotAllowed } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { getStatementBudget, guardIngest } from "@/lib/api/ingest";
import { MAX_AGENT_ACTION_BODY_BYTES } from "@/lib/api/schemas/agent-actions";
import { insertAgentActions } from "@/lib/db/agent-actions";
import { getVerifyPool } from "@/lib/evidence/verify-pool";

/**
 * POST /api/v1/agent-actions: one action statement signed by its agent (EIP-712), or
 * `{ actions: [...] }` with up to 500, stored in order, all or nothing. Signatures are
 * checked on the verification pool, within the client's per-minute budget.
 */
export const POST = apiRoute(async (request) => {
  const budget = getStatementBudget();
  const { body, client } = await guardIngest(request, MAX_AGENT_ACTION_BODY_BYTES, { budget });
  const { batch, statements } = await parseSignedAgentActions(body, {
    pool: getVerifyPool(),
    budget,
    client,
  });
  const results = await insertAgentActions(statements, (i) =>
    batch ? `actions[${i}].action` : "action",
  );
  const created = results.filter((r) => r.status === "created").length;
  const status = created > 0 ? 201 : 200;
  if (!batch) return Response.json(results[0], { status });
  const indexed = results.map((r, index) => ({ index, ...r }));
  return Response.json(
    { created, duplicates: results.length - created, results: indexed },
    { status },
  );
});

/** Reading evidence back goes through the read API, not this route. */
export function GET() {
  return methodNotAllowed(["POST"]);
}
