import type { Metadata } from "next";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { countUnlinkedReceipts, listModelSummaries } from "@/lib/db/models";
import { formatCount } from "@/lib/web/format";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage() {
  const [models, waiting] = await Promise.all([listModelSummaries(), countUnlinkedReceipts()]);
  return (
    <>
      <PageHeader title="Models">
        Every model seen in receipts or on chain, with its versions (runtime images or content ids),
        the inferences attributed to it and the rollbacks marked against it.
      </PageHeader>
      {models.length === 0 ? (
        <EmptyState title="No models yet">
          A model appears here once the indexer has linked a receipt or an on-chain inference that
          names it.{" "}
          {waiting > 0
            ? `${formatCount(waiting)} receipts are stored and waiting to be linked.`
            : "No receipts have been posted yet."}
        </EmptyState>
      ) : (
        <DataTable
          caption="Models"
          columns={[
            { label: "Model" },
            { label: "Kind" },
            { label: "Versions", numeric: true },
            { label: "Inferences", numeric: true },
            { label: "Incidents", numeric: true },
          ]}
          rows={models.map((m) => ({
            key: m.name,
            cells: [
              <span key="n" className="font-mono text-xs">
                {m.name}
              </span>,
              m.kind,
              formatCount(m.versions),
              formatCount(m.inferences),
              formatCount(m.incidents),
            ],
          }))}
        />
      )}
    </>
  );
}
