import type { Metadata } from "next";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { SearchBox } from "@/components/shell/search-box";
import { searchEvidence } from "@/lib/db/search";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Search" };

export default async function SearchPage({
  searchParams,
}: {
  searchParams: Promise<{ q?: string | string[] }>;
}) {
  const raw = (await searchParams).q;
  const q = (Array.isArray(raw) ? raw[0] : raw)?.slice(0, 200) ?? "";
  const hits = q ? await searchEvidence(q) : [];
  return (
    <>
      <PageHeader title="Search">
        Paste an output or input hash, an enclave id, a transaction hash, an address or part of a
        model name.
      </PageHeader>
      <div className="mb-6 max-w-xl">
        <SearchBox defaultValue={q} />
      </div>
      {!q ? null : hits.length === 0 ? (
        <EmptyState title={`Nothing matches “${q}”`}>
          Hashes must be the full 0x-prefixed 32 bytes; addresses the full 20 bytes. Records
          orphaned by a reorg are still found.
        </EmptyState>
      ) : (
        <DataTable
          caption={`Matches for ${q}`}
          columns={[{ label: "Kind" }, { label: "Record" }, { label: "Detail" }]}
          rows={hits.map((h, i) => ({
            key: `${h.kind}-${h.label}-${i}`,
            cells: [
              h.kind,
              <span key="l" className="font-mono text-xs break-all">
                {h.label}
              </span>,
              h.detail,
            ],
          }))}
        />
      )}
    </>
  );
}
