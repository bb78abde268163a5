import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
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
  const q = (Array.isArray(raw) ? raw[0] : raw)?.trim().slice(0, 200) ?? "";
  const result = q ? await searchEvidence(q) : null;
  // An exact hit opens its page: search by output hash lands on the output's permalink.
  if (result?.exact) redirect(result.exact);
  return (
    <>
      <PageHeader title="Search">
        Paste an output or input hash, an enclave id, a transaction hash, an address, an inference
        or request id, or part of a model name. A term that names one record opens it.
      </PageHeader>
      <div className="mb-6 max-w-xl">
        <SearchBox defaultValue={q} />
      </div>
      {!result ? null : result.hits.length === 0 ? (
        <EmptyState title={`Nothing matches “${q}”`}>
          Hashes must be the full 32 bytes (0x optional); addresses the full 20 bytes. Records
          orphaned by a reorg are still found. Evidence posted in the last seconds may not be linked
          yet.
        </EmptyState>
      ) : (
        <DataTable
          caption={`Matches for ${q}`}
          columns={[{ label: "Kind" }, { label: "Record" }, { label: "Detail" }]}
          rows={result.hits.map((h, i) => ({
            key: `${h.kind}-${h.label}-${i}`,
            cells: [
              h.kind,
              h.href ? (
                <Link
                  key="l"
                  href={h.href}
                  className="font-mono text-xs break-all text-indigo-700 hover:underline"
                >
                  {h.label}
                </Link>
              ) : (
                <span key="l" className="font-mono text-xs break-all">
                  {h.label}
                </span>
              ),
              h.detail,
            ],
          }))}
        />
      )}
    </>
  );
}
