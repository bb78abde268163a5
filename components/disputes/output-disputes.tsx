import { disputeHref } from "@/lib/web/links";
import Link from "next/link";
import { hasRole } from "@/lib/auth/roles";
import { currentUser } from "@/lib/auth/session";
import { listDisputesForOutput } from "@/lib/db/disputes";
import { formatUtc } from "@/lib/web/format";
import { firstLine } from "@/lib/web/markdown";
import { DisputeStatusBadge } from "./status-badge";
import { OpenDisputeForm } from "./open-dispute-form";
import { RoleNotice } from "./role-notice";

/**
 * The disputes on one output (status, the reason's first line, a link to each), and for
 * auditors and up the form that opens one. A server component for the output's permalink.
 */
export async function OutputDisputes({ outputHash }: { outputHash: string }) {
  const [disputes, user] = await Promise.all([listDisputesForOutput(outputHash), currentUser()]);
  return (
    <section aria-labelledby="disputes-title" className="space-y-3">
      <h2 id="disputes-title" className="text-lg font-semibold">
        Disputes
      </h2>
      {disputes.length === 0 ? (
        <p className="text-sm text-slate-600">Nobody has disputed this output.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {disputes.map((d) => (
            <li key={d.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 px-3 py-2">
              <DisputeStatusBadge status={d.status} />
              <Link href={disputeHref(d.id)} className="text-sm text-indigo-700 underline">
                {firstLine(d.reason) || "(no reason)"}
              </Link>
              <span className="text-xs text-slate-600">
                opened {formatUtc(d.createdAt)}, {d.comments} comment{d.comments === 1 ? "" : "s"}
              </span>
            </li>
          ))}
        </ul>
      )}
      <div className="max-w-2xl space-y-2">
        <h3 className="text-base font-medium">Open a dispute</h3>
        <RoleNotice role={user?.role ?? null} needs="auditor" action="open a dispute" />
        {user && hasRole(user.role, "auditor") ? <OpenDisputeForm outputHash={outputHash} /> : null}
      </div>
    </section>
  );
}
