import { readJsonBody } from "@/lib/api/body";
import { methodNotAllowed } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import {
  disputeIdSchema,
  disputeStatusBodySchema,
  MAX_DISPUTE_BODY_BYTES,
} from "@/lib/api/schemas/disputes";
import { parseParam } from "@/lib/api/schemas/query";
import { requireUser } from "@/lib/auth/session";
import { changeStatus, getDisputeOrThrow } from "@/lib/db/disputes";

type Context = { params: Promise<{ id: string }> };

/** POST /api/v1/disputes/{id}/status: an operator moves the dispute, with a note (audited). */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const user = await requireUser(request, "operator");
  const id = parseParam("id", disputeIdSchema, (await params).id);
  const { body } = await readJsonBody(request, MAX_DISPUTE_BODY_BYTES);
  const { status, note } = disputeStatusBodySchema.parse(body);
  const entryId = await changeStatus({ actor: user.address, disputeId: id, status, note });
  return Response.json({ entryId, dispute: await getDisputeOrThrow(id) });
});

export function GET() {
  return methodNotAllowed(["POST"]);
}
