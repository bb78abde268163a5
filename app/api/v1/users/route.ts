import { apiRoute } from "@/lib/api/handler";
import { forbidden, unauthorized } from "@/lib/api/errors";
import { hasRole } from "@/lib/auth/roles";
import { sessionOf } from "@/lib/auth/session";
import { listUsers } from "@/lib/db/users";

/** GET /api/v1/users: everyone who has signed in and their role (admins only). */
export const GET = apiRoute(async (request) => {
  const user = await sessionOf(request);
  if (!user) throw unauthorized("Sign in as an admin to list users.");
  if (!hasRole(user.role, "admin"))
    throw forbidden(`Listing users needs the admin role; you are ${user.role}.`);
  return Response.json({ users: await listUsers() });
});
