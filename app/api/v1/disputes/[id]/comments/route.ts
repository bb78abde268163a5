import { readJsonBody } from "@/lib/api/body";
import { methodNotAllowed } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import {
  disputeCommentBodySchema,
  disputeIdSchema,
  MAX_DISPUTE_BODY_BYTES,
} from "@/lib/api/schemas/disputes";
import { parseParam } from "@/lib/api/schemas/query";
import { requireUser } from "@/lib/auth/session";
import { addComment, getDisputeOrThrow } from "@/lib/db/disputes";

type Context = { params: Promise<{ id: string }> };

/** POST /api/v1/disputes/{id}/comments: an auditor adds a comment (markdown; audited). */
export const POST = apiRoute<Context>(async (request, { params }) => {
  const user = await requireUser(request, "auditor");
  const id = parseParam("id", disputeIdSchema, (await params).id);
  const { body } = await readJsonBody(request, MAX_DISPUTE_BODY_BYTES);
  const comment = disputeCommentBodySchema.parse(body);
  const entryId = await addComment({ actor: user.address, disputeId: id, body: comment.body });
  return Response.json({ entryId, dispute: await getDisputeOrThrow(id) }, { status: 201 });
});

export function GET() {
  return methodNotAllowed(["POST"]);
}
