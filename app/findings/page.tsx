import type { Metadata } from "next";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { countOpenFindingsByKind } from "@/lib/db/findings";
import { formatCount } from "@/lib/web/format";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Findings" };

export default async function FindingsPage() {
  const kinds = await countOpenFindingsByKind();
  return (
    <>
      <PageHeader title="Findings">
        Contradictions between the records and the timeline: outputs from versions that were not
        live, revoked runtimes, bad signatures, settlements without receipts, payments without
        inferences.
      </PageHeader>
      {kinds.length === 0 ? (
        <EmptyState title="No open findings">
          The indexer records a finding whenever two pieces of evidence disagree (a bad signature, a
          settlement without a receipt, an output from a revoked runtime). None is recorded yet:
          evidence that has not been indexed cannot contradict anything.
        </EmptyState>
      ) : (
        <DataTable
          caption="Open findings by kind"
          columns={[{ label: "Kind" }, { label: "Open", numeric: true }]}
          rows={kinds.map((k) => ({
            key: k.kind,
            cells: [k.kind.replaceAll("_", " "), formatCount(k.count)],
          }))}
        />
      )}
    </>
  );
}
