"use client";

import { InlineError } from "@/components/ui/inline-error";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorText, useSession } from "@/components/auth/account-menu";
import { hasRole } from "@/lib/auth/roles";
import { callApi } from "@/lib/web/api-client";

/** Recomputes the blast radius from the evidence as known now (auditors and up); the old one stays. */
export function RecomputeButton({ incidentId }: { incidentId: string }) {
  const router = useRouter();
  const session = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const user = session.data?.user;
  if (!user || !hasRole(user.role, "auditor")) return null;
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(null);
          try {
            await callApi(`/api/v1/incidents/${incidentId}/blast-radius`, { body: {} });
            router.refresh();
          } catch (e) {
            setError(errorText(e));
          } finally {
            setBusy(false);
          }
        }}
        className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-50 disabled:opacity-50"
      >
        {busy ? "Computing…" : "Recompute now"}
      </button>
      <InlineError message={error} />
    </span>
  );
}
