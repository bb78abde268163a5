import { readJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { addAgentBodySchema, MAX_AGENT_BODY_BYTES } from "@/lib/api/schemas/agents";
import { requireUser } from "@/lib/auth/session";
import { addKnownAgentOrThrow, listKnownAgents } from "@/lib/db/agents";

export const dynamic = "force-dynamic";

/** GET /api/v1/agents: the agent registry (known and retired agents), for anyone who can read. */
export const GET = apiRoute(async () => Response.json({ agents: await listKnownAgents() }));

/** POST /api/v1/agents: an admin makes an address a known agent, with a label (audited). */
export const POST = apiRoute(async (request) => {
  const admin = await requireUser(request, "admin");
  const { body } = await readJsonBody(request, MAX_AGENT_BODY_BYTES);
  const { address, label } = addAgentBodySchema.parse(body);
  const agent = await addKnownAgentOrThrow({ actor: admin.address, address, label });
  return Response.json({ agent }, { status: 201 });
});
