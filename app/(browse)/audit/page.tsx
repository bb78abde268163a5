import type { Metadata } from "next";
import Link from "next/link";
import { VerifyAuditButton } from "@/components/audit/verify-button";
import { EmptyState } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { Hash } from "@/components/ui/hash";
import { PageHeader } from "@/components/ui/page-header";
import { getAuditSigner, listAuditEvents } from "@/lib/db/audit";
import { formatUtc, shortHash } from "@/lib/web/format";
import { incidentHref } from "@/lib/web/links";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Audit log" };

const PAGE = 50;

export default async function AuditPage(props: { searchParams: Promise<{ before?: string }> }) {
  const { before } = await props.searchParams;
  const beforeSeq = before && /^\d{1,18}$/.test(before) ? before : undefined;
  const { entries, nextBefore } = await listAuditEvents({ limit: PAGE, beforeSeq });
  return (
    <>
      <PageHeader title="Audit log">
        Every human action, hash-chained: each entry commits to the one before it, the database
        refuses to update or delete entries, and checkpoints of the chain are signed with the
        server&apos;s key so a rewritten history shows.
      </PageHeader>
      <div className="mb-4 flex flex-wrap items-center gap-3 text-sm">
        <VerifyAuditButton />
        <span className="text-slate-600">
          Checkpoint key <Hash value={getAuditSigner().address.toLowerCase()} />; from a shell:{" "}
          <code className="rounded bg-slate-100 px-1">npm run verify:audit</code>
        </span>
      </div>
      {entries.length === 0 ? (
        <EmptyState title="No actions recorded yet">
          Sign-ins, role changes, incidents, disputes and share links are appended here as they
          happen.
        </EmptyState>
      ) : (
        <DataTable
          caption="Audit entries, newest first"
          columns={[
            { label: "#", numeric: true },
            { label: "Time (UTC)" },
            { label: "Actor" },
            { label: "Action" },
            { label: "Subject" },
            { label: "Hash" },
            { label: "Signed" },
          ]}
          rows={entries.map((e) => ({
            key: e.seq,
            cells: [
              e.seq,
              formatUtc(e.occurredAt),
              <span key="a" className="font-mono text-xs">
                {e.actor}
              </span>,
              e.action,
              e.subjectType === "incident" && e.subjectId ? (
                <Link
                  key="s"
                  className="text-indigo-700 underline"
                  href={incidentHref(e.subjectId)}
                >
                  incident
                </Link>
              ) : (
                <span key="s" className="font-mono text-xs" title={e.subjectId ?? undefined}>
                  {e.subjectType ? `${e.subjectType} ${shortHash(e.subjectId ?? "", 8, 4)}` : "—"}
                </span>
              ),
              <Hash key="h" value={e.hash} />,
              e.checkpoint ? "checkpoint" : "",
            ],
          }))}
        />
      )}
      <nav aria-label="Pages" className="mt-3 flex gap-3 text-sm">
        {beforeSeq ? (
          <Link className="text-indigo-700 underline" href="/audit">
            Newest
          </Link>
        ) : null}
        {nextBefore ? (
          <Link className="text-indigo-700 underline" href={`/audit?before=${nextBefore}`}>
            Older →
          </Link>
        ) : null}
      </nav>
    </>
  );
}
