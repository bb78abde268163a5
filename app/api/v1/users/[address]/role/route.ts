import { methodNotAllowed } from "@/lib/api/errors";
import { readJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import {
  MAX_AUTH_BODY_BYTES,
  setRoleBodySchema,
  userAddressParamSchema,
} from "@/lib/api/schemas/auth";
import { parseParam } from "@/lib/api/schemas/query";
import { requireUser } from "@/lib/auth/session";
import { setUserRoleOrThrow } from "@/lib/db/users";

type Context = { params: Promise<{ address: string }> };

/** PUT /api/v1/users/{address}/role: an admin sets a user's role (audited). */
export const PUT = apiRoute<Context>(async (request, { params }) => {
  const admin = await requireUser(request, "admin");
  const address = parseParam("address", userAddressParamSchema, (await params).address);
  const { body } = await readJsonBody(request, MAX_AUTH_BODY_BYTES);
  const { role } = setRoleBodySchema.parse(body);
  const user = await setUserRoleOrThrow({ actor: admin.address, address, role });
  return Response.json({ user });
});

export function GET() {
  return methodNotAllowed(["PUT"]);
}
