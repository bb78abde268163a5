import type { Metadata } from "next";
import { RoleSelect } from "@/components/auth/role-select";
import { EmptyState } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { hasRole, ROLE_CAN } from "@/lib/auth/roles";
import { currentUser } from "@/lib/auth/session";
import { listUsers } from "@/lib/db/users";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Users and roles" };

export default async function UsersPage() {
  const me = await currentUser();
  if (!me || !hasRole(me.role, "admin")) {
    return (
      <>
        <PageHeader title="Users and roles" />
        <EmptyState title="Admins only">
          {me ? `You are signed in as ${me.role}.` : "Sign in with an admin's wallet."} Admins come
          from ADMIN_ADDRESSES and can make others admin.
        </EmptyState>
      </>
    );
  }
  const users = await listUsers();
  return (
    <>
      <PageHeader title="Users and roles">
        Everyone who has signed in. Each change is recorded in the audit log with who made it.
      </PageHeader>
      <ul className="mb-4 text-sm text-slate-700">
        {Object.entries(ROLE_CAN).map(([role, can]) => (
          <li key={role}>
            <strong>{role}</strong>: {can}
          </li>
        ))}
      </ul>
      <DataTable
        caption="Users"
        columns={[{ label: "Address" }, { label: "Role" }, { label: "First sign-in" }]}
        rows={users.map((u) => ({
          key: u.address,
          cells: [
            <span key="a" className="font-mono text-xs">
              {u.address}
            </span>,
            <RoleSelect key="r" address={u.address} role={u.role} />,
            <Time key="t" iso={u.createdAt} />,
          ],
        }))}
      />
    </>
  );
}
