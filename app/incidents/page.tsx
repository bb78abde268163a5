import type { Metadata } from "next";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { listIncidentSummaries } from "@/lib/db/incidents";
import { formatUtc } from "@/lib/web/format";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Incidents" };

export default async function IncidentsPage() {
  const incidents = await listIncidentSummaries();
  return (
    <>
      <PageHeader title="Incidents">
        Rollbacks marked by operators with a signed statement, and those proposed from on-chain
        runtime revocations. Incidents are append-only: a correction supersedes, never edits.
      </PageHeader>
      {incidents.length === 0 ? (
        <EmptyState title="No rollbacks marked">
          When a model or runtime version is rolled back, an operator records it here with the bad
          version, its window and the version rolled back to.
        </EmptyState>
      ) : (
        <DataTable
          caption="Incidents, newest first"
          columns={[
            { label: "Model" },
            { label: "Bad version" },
            { label: "Window" },
            { label: "Rolled back to" },
            { label: "Status" },
          ]}
          rows={incidents.map((i) => ({
            key: i.id,
            cells: [
              <span key="m" className="font-mono text-xs">
                {i.model}
              </span>,
              i.badVersion,
              `${formatUtc(i.windowFrom)} → ${i.windowTo ? formatUtc(i.windowTo) : "open"}`,
              i.rolledBackTo ?? "—",
              i.superseded ? `${i.status}, superseded` : i.status,
            ],
          }))}
        />
      )}
    </>
  );
}
