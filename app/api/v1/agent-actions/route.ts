import { guardIngest } from "@/lib/api/ingest";
import { methodNotAllowed } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { MAX_AGENT_ACTION_BODY_BYTES } from "@/lib/api/schemas/agent-actions";
import { parseSignedAgentAction } from "@/lib/api/agent-actions";
import { insertAgentAction } from "@/lib/db/agent-actions";

/** POST /api/v1/agent-actions: an action statement signed by the agent (EIP-712). */
export const POST = apiRoute(async (request) => {
  const { body } = await guardIngest(request, MAX_AGENT_ACTION_BODY_BYTES);
  const verified = await parseSignedAgentAction(body);
  const result = await insertAgentAction(verified);
  return Response.json(result, { status: result.status === "created" ? 201 : 200 });
});

/** Reading evidence back goes through the read API, not this route. */
export function GET() {
  return methodNotAllowed(["POST"]);
}
