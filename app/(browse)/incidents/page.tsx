import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { IncidentStatusBadge } from "@/components/incidents/status-badge";
import { listIncidents } from "@/lib/db/incidents";
import { formatCount, formatUtc, shortHash } from "@/lib/web/format";
import { incidentHref, modelHref } from "@/lib/web/links";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Incidents" };

const FILTERS = [
  { value: undefined, label: "All" },
  { value: "proposed", label: "Proposed" },
  { value: "confirmed", label: "Signed" },
] as const;

export default async function IncidentsPage(props: { searchParams: Promise<{ status?: string }> }) {
  const { status: raw } = await props.searchParams;
  const status = raw === "proposed" || raw === "confirmed" ? raw : undefined;
  const incidents = await listIncidents({ status });
  return (
    <>
      <PageHeader title="Incidents">
        Rollbacks marked by operators with a signed statement, and those proposed from on-chain
        runtime revocations. Incidents are append-only: a correction supersedes, never edits.
      </PageHeader>
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <nav aria-label="Filter by status" className="flex gap-1 text-sm">
          {FILTERS.map((f) => (
            <Link
              key={f.label}
              href={f.value ? `/incidents?status=${f.value}` : "/incidents"}
              aria-current={status === f.value ? "page" : undefined}
              className={`rounded px-2 py-1 ${status === f.value ? "bg-indigo-700 text-white" : "border border-slate-300 hover:bg-slate-50"}`}
            >
              {f.label}
            </Link>
          ))}
        </nav>
        <Link
          href="/incidents/new"
          className="ml-auto rounded bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-800"
        >
          Mark a rollback
        </Link>
      </div>
      {incidents.length === 0 ? (
        <EmptyState title={status ? `No ${status} incidents` : "No rollbacks marked"}>
          When a model or runtime version is rolled back, an operator records it here with the bad
          version, its window and the version rolled back to. Revocations of runtime images on chain
          are proposed here by the indexer for an operator to confirm.
        </EmptyState>
      ) : (
        <DataTable
          caption="Incidents, newest first"
          columns={[
            { label: "Incident" },
            { label: "Model" },
            { label: "Bad version → rolled back to" },
            { label: "Window (UTC)" },
            { label: "Reached", numeric: true },
            { label: "Status" },
            { label: "Recorded" },
          ]}
          rows={incidents.map((i) => ({
            key: i.id,
            cells: [
              <Link
                key="id"
                href={incidentHref(i.id)}
                className="font-mono text-xs text-indigo-700 underline"
              >
                {shortHash(i.id, 8, 0)}
              </Link>,
              <Link key="m" href={modelHref(i.model)} className="font-mono text-xs hover:underline">
                {i.model}
              </Link>,
              `${i.badVersion} → ${i.rolledBackTo ?? "—"}`,
              `${formatUtc(i.windowFrom)} → ${i.windowTo ? formatUtc(i.windowTo) : "still live"}`,
              i.affected === null
                ? "—"
                : `${formatCount(i.affected)} + ${formatCount(i.stale ?? 0)} stale`,
              <IncidentStatusBadge
                key="s"
                status={i.status}
                superseded={i.supersededById !== null}
              />,
              <Time key="t" iso={i.createdAt} />,
            ],
          }))}
        />
      )}
    </>
  );
}
