import "server-only";
import { ApiError, notFound } from "@/lib/api/errors";
import type { Role } from "@/lib/auth/roles";
import { recordAudit } from "@/lib/db/audit";
import { getPool } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/transaction";

export interface UserRow {
  address: string;
  role: Role;
  createdAt: string;
  updatedAt: string;
}

/** Everyone who has signed in, admins first. */
export async function listUsers(): Promise<UserRow[]> {
  const { rows } = await getPool().query<{
    address: string;
    role: Role;
    created_at: Date;
    updated_at: Date;
  }>(
    `SELECT address, role, created_at, updated_at FROM app_user
      ORDER BY array_position(ARRAY['admin','operator','auditor','viewer']::role[], role), created_at`,
  );
  return rows.map((r) => ({
    address: r.address,
    role: r.role,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }));
}

/**
 * Changes a user's role and records who did it, in one transaction. Throws 404 for an
 * address that never signed in, and 409 when it would leave no admin.
 */
export async function setUserRoleOrThrow(args: {
  actor: string;
  address: string;
  role: Role;
}): Promise<UserRow> {
  return withTransaction(
    async (client) => {
      const { rows } = await client.query<{ role: Role }>(
        "SELECT role FROM app_user WHERE address = $1 FOR UPDATE",
        [args.address],
      );
      const from = rows[0]?.role;
      if (!from)
        throw notFound(`${args.address} has never signed in; roles are given to users who have.`);
      if (from === "admin" && args.role !== "admin") {
        const admins = await client.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM app_user WHERE role = 'admin'",
        );
        if (admins.rows[0]!.n <= 1) {
          throw new ApiError(
            409,
            "last_admin",
            "This is the last admin; make someone else admin first.",
          );
        }
      }
      const updated = await client.query<{ created_at: Date; updated_at: Date }>(
        "UPDATE app_user SET role = $2, updated_at = now() WHERE address = $1 RETURNING created_at, updated_at",
        [args.address, args.role],
      );
      await recordAudit(client, {
        actor: args.actor,
        action: "user.role",
        subjectType: "user",
        subjectId: args.address,
        payload: { address: args.address, from, to: args.role },
      });
      const row = updated.rows[0]!;
      return {
        address: args.address,
        role: args.role,
        createdAt: row.created_at.toISOString(),
        updatedAt: row.updated_at.toISOString(),
      };
    },
    { kind: "user.role" },
  );
}
