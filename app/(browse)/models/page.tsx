import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState, StatusBadge } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { countUnlinkedReceipts, listModels } from "@/lib/db/models";
import { modelHref } from "@/lib/web/links";
import { formatCount } from "@/lib/web/format";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage() {
  const [{ models, now }, waiting] = await Promise.all([listModels(), countUnlinkedReceipts()]);
  return (
    <>
      <PageHeader title="Models">
        Every model seen in receipts or on chain, with its versions (runtime images or content ids),
        which of them are live now, its traffic in the last 24 hours (to {now.slice(11, 16)} UTC)
        and its open findings. Open a model for its timeline.
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
            { label: "Versions (live now marked)" },
            { label: "Requests, last 24 h", numeric: true },
            { label: "Inferences, all time", numeric: true },
            { label: "Open findings", numeric: true },
            { label: "Last inference" },
          ]}
          rows={models.map((m) => ({
            key: m.name,
            cells: [
              <Link
                key="n"
                href={modelHref(m.name)}
                className="font-mono text-xs break-all text-indigo-700 hover:underline"
              >
                {m.name}
              </Link>,
              <ul key="v" className="flex flex-wrap gap-1">
                {m.versions.map((v) => (
                  <li key={v.id} title={v.key}>
                    {v.live ? (
                      <StatusBadge ok label={`${short(v.label)} · live`} />
                    ) : (
                      <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">
                        {short(v.label)}
                      </span>
                    )}
                  </li>
                ))}
              </ul>,
              formatCount(m.requests24h),
              formatCount(m.inferences),
              m.openFindings > 0 ? (
                <Link
                  key="f"
                  href={`/findings?model=${encodeURIComponent(m.name)}`}
                  className="font-medium text-rose-700 hover:underline"
                >
                  {formatCount(m.openFindings)}
                </Link>
              ) : (
                "0"
              ),
              m.lastInferenceAt ? <Time key="t" iso={m.lastInferenceAt} /> : "never",
            ],
          }))}
        />
      )}
    </>
  );
}

/** Content ids are long; version labels are not. */
const short = (label: string) => (label.length > 16 ? `${label.slice(0, 10)}…` : label);
