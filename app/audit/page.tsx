import type { Metadata } from "next";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { listRecentAuditEvents } from "@/lib/db/audit";
import { formatUtc } from "@/lib/web/format";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage() {
  const events = await listRecentAuditEvents();
  return (
    <>
      <PageHeader title="Audit log">
        Every human action, hash-chained: each entry commits to the one before it, and the database
        refuses to update or delete entries.
      </PageHeader>
      {events.length === 0 ? (
        <EmptyState title="No actions recorded yet">
          Sign-ins, role changes, incidents, disputes and share links are appended here as they
          happen.
        </EmptyState>
      ) : (
        <DataTable
          caption="Newest audit entries"
          columns={[
            { label: "#", numeric: true },
            { label: "Time" },
            { label: "Actor" },
            { label: "Action" },
            { label: "Subject" },
            { label: "Entry hash" },
          ]}
          rows={events.map((e) => ({
            key: e.seq,
            cells: [
              e.seq,
              formatUtc(e.occurredAt),
              <span key="a" className="font-mono text-xs">
                {e.actor}
              </span>,
              e.action,
              e.subject ?? "—",
              <span key="h" className="font-mono text-xs">
                {e.hash.slice(0, 18)}…
              </span>,
            ],
          }))}
        />
      )}
    </>
  );
}
