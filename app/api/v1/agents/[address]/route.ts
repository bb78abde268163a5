import { methodNotAllowed } from "@/lib/api/errors";
import { readJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { changeAgentBodySchema, MAX_AGENT_BODY_BYTES } from "@/lib/api/schemas/agents";
import { addressSchema } from "@/lib/api/schemas/common";
import { parseParam } from "@/lib/api/schemas/query";
import { requireUser } from "@/lib/auth/session";
import { changeKnownAgentOrThrow } from "@/lib/db/agents";

type Context = { params: Promise<{ address: string }> };

/** PATCH /api/v1/agents/{address}: an admin relabels, retires or reinstates an agent (audited). */
export const PATCH = apiRoute<Context>(async (request, { params }) => {
  const admin = await requireUser(request, "admin");
  const address = parseParam("address", addressSchema, (await params).address);
  const { body } = await readJsonBody(request, MAX_AGENT_BODY_BYTES);
  const change = changeAgentBodySchema.parse(body);
  const agent = await changeKnownAgentOrThrow({ actor: admin.address, address, change });
  return Response.json({ agent });
});

export function GET() {
  return methodNotAllowed(["PATCH"]);
}
