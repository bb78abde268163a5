"use client";

import { useQuery } from "@tanstack/react-query";
import { queryKeys } from "@/lib/api/query-keys";
import type { AuditVerification } from "@/lib/audit/verify";
import { callApi } from "@/lib/web/api-client";
import { formatCount, shortHash } from "@/lib/web/format";

/** Recomputes the whole chain and checks the signed checkpoints on the server, on demand. */
export function VerifyAuditButton() {
  const check = useQuery({
    queryKey: queryKeys.auditVerify,
    queryFn: () => callApi<AuditVerification & { serverKey: string }>("/api/v1/audit/verify"),
    enabled: false,
    gcTime: 0,
  });
  const r = check.data;
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <button
        type="button"
        onClick={() => void check.refetch()}
        disabled={check.isFetching}
        className="rounded bg-indigo-700 px-3 py-1.5 font-medium text-white hover:bg-indigo-800 disabled:opacity-50"
      >
        {check.isFetching ? "Verifying…" : "Verify the chain"}
      </button>
      <span role="status" aria-live="polite" className="text-sm">
        {check.isError ? (
          <span className="text-rose-700">{(check.error as Error).message}</span>
        ) : r ? (
          r.ok ? (
            <span className="text-emerald-800">
              Verified: {formatCount(r.events)} entries, {formatCount(r.checkpoints)} signed
              checkpoints, head {shortHash(r.headHash)}.
            </span>
          ) : (
            <span className="text-rose-800">
              Broken:{" "}
              {r.firstBroken
                ? `first broken link at #${r.firstBroken.seq}: ${r.firstBroken.message}`
                : ""}{" "}
              {r.checkpointProblems.map((p) => p.message).join(" ")}
            </span>
          )
        ) : null}
      </span>
    </span>
  );
}
