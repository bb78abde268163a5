"use client";

import { InlineError } from "@/components/ui/inline-error";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorText } from "@/components/auth/account-menu";
import { ROLES, type Role } from "@/lib/auth/roles";
import { callApi } from "@/lib/web/api-client";

/** An admin's role picker for one user; the change is saved (and audited) on selection. */
export function RoleSelect({ address, role }: { address: string; role: Role }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex items-center gap-2">
      <select
        aria-label={`Role of ${address}`}
        defaultValue={role}
        disabled={busy}
        className="rounded border border-slate-300 px-1 py-0.5 text-sm"
        onChange={async (e) => {
          setBusy(true);
          setError(null);
          try {
            await callApi(`/api/v1/users/${address}/role`, {
              method: "PUT",
              body: { role: e.target.value },
            });
            router.refresh();
          } catch (err) {
            setError(errorText(err));
            e.target.value = role;
          } finally {
            setBusy(false);
          }
        }}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <InlineError message={error} />
    </span>
  );
}
