import { incidentHref } from "@/lib/web/links";
import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import {
  FINDING_KINDS,
  findingListQuerySchema,
  type FindingItem,
  type FindingListQuery,
} from "@/lib/api/schemas/findings";
import { listFindings } from "@/lib/db/findings";
import { formatCount } from "@/lib/web/format";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Findings" };

/** Most serious first: what a dispute hinges on. */
const KIND_ORDER: string[] = [
  "stale_after_rollback",
  "bad_signature",
  "model_lookalike",
  "version_not_live",
  "batch_root_mismatch",
  "revoked_runtime",
  "settlement_without_receipt",
  "receipt_never_settled",
  "payment_without_inference",
  "receipt_after_settlement",
  "batch_blob_missing",
  "unprocessable_evidence",
  "unregistered_enclave",
  "other",
];
const PER_GROUP = 5;

const KIND_LABELS: Record<string, string> = {
  stale_after_rollback: "Stale after rollback",
  revoked_runtime: "Served by a later-revoked runtime",
  version_not_live: "Version not live",
  bad_signature: "Bad signature",
  settlement_without_receipt: "Settlement without receipt",
  receipt_never_settled: "Receipt never settled",
  payment_without_inference: "Payment without inference",
  batch_blob_missing: "Batch blob missing",
  batch_root_mismatch: "Batch root mismatch",
  receipt_after_settlement: "Receipt after its session settled",
  unprocessable_evidence: "Unprocessable evidence (set aside by the linker)",
  unregistered_enclave: "Unregistered enclave",
  model_lookalike: "Look-alike model name",
  other: "Other",
};

type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export default async function FindingsPage({ searchParams }: { searchParams: Promise<Params> }) {
  const sp = await searchParams;
  const raw = Object.fromEntries(
    ["kind", "status", "severity", "model", "cursor"].flatMap((k) => {
      const v = first(sp[k]);
      return v ? [[k, v]] : [];
    }),
  );
  const parsed = findingListQuerySchema.safeParse(raw);
  const query = parsed.success ? parsed.data : findingListQuerySchema.parse({});
  const { groups, items, nextCursor } = await listFindings(query);
  const link = (changes: Record<string, string | undefined>) => {
    const params = new URLSearchParams({ ...raw, ...changes } as Record<string, string>);
    for (const [k, v] of [...params]) if (!v || v === "undefined") params.delete(k);
    if (!("cursor" in changes)) params.delete("cursor");
    return `/findings?${params}`;
  };
  return (
    <>
      <PageHeader title="Findings">
        Contradictions between the records and the timeline: outputs from versions that were not
        live or were rolled back, bad signatures, settlements without receipts, payments without
        inferences. Each links to its evidence; resolved ones are kept.
      </PageHeader>
      {!parsed.success ? (
        <p role="alert" className="mb-4 rounded border border-amber-300 bg-amber-50 p-2 text-sm">
          Ignored a filter: {parsed.error.issues[0]?.path.join(".")}:{" "}
          {parsed.error.issues[0]?.message}
        </p>
      ) : null}
      <form
        method="get"
        action="/findings"
        className="mb-4 flex flex-wrap items-end gap-3 text-sm"
        aria-label="Filter findings"
      >
        <label className="flex flex-col">
          <span className="text-xs text-slate-600">Kind</span>
          <select
            name="kind"
            defaultValue={query.kind ?? ""}
            className="rounded border border-slate-300 px-2 py-1"
          >
            <option value="">All kinds</option>
            {FINDING_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-slate-600">Status</span>
          <select
            name="status"
            defaultValue={query.status}
            className="rounded border border-slate-300 px-2 py-1"
          >
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
            <option value="all">All</option>
          </select>
        </label>
        <label className="flex flex-col">
          <span className="text-xs text-slate-600">Severity</span>
          <select
            name="severity"
            defaultValue={query.severity ?? ""}
            className="rounded border border-slate-300 px-2 py-1"
          >
            <option value="">Any</option>
            <option value="critical">Critical</option>
            <option value="warning">Warning</option>
            <option value="info">Info</option>
          </select>
        </label>
        {query.model ? <input type="hidden" name="model" value={query.model} /> : null}
        <button
          type="submit"
          className="rounded border border-slate-300 bg-slate-100 px-3 py-1 font-medium hover:bg-slate-200"
        >
          Apply
        </button>
      </form>
      {query.model ? (
        <p className="mb-4 text-sm">
          Model <span className="font-mono">{query.model}</span> only.{" "}
          <Link href={link({ model: undefined })} className="text-indigo-700 underline">
            Show every model
          </Link>
        </p>
      ) : null}
      <section aria-labelledby="kinds-title" className="mb-6">
        <h2 id="kinds-title" className="mb-2 text-base font-semibold">
          By kind
        </h2>
        {groups.length === 0 ? (
          <EmptyState title="No findings">
            Nothing contradicts the timeline{query.model ? " for this model" : ""}. Findings appear
            once the indexer has linked evidence that disagrees.
          </EmptyState>
        ) : (
          <ul className="flex flex-wrap gap-2">
            {groups.map((g) => (
              <li key={g.kind}>
                <Link
                  href={link({ kind: g.kind })}
                  aria-current={query.kind === g.kind ? "true" : undefined}
                  className={`inline-flex gap-2 rounded-md border px-3 py-1.5 text-sm hover:border-indigo-400 ${query.kind === g.kind ? "border-indigo-500 bg-indigo-50" : "border-slate-200 bg-white"}`}
                >
                  <span className="font-medium">{KIND_LABELS[g.kind] ?? g.kind}</span>
                  <span className="text-rose-700 tabular-nums">{formatCount(g.open)} open</span>
                  <span className="text-slate-600 tabular-nums">
                    {formatCount(g.resolved)} resolved
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>
      {query.kind ? (
        <section aria-labelledby="list-title">
          <h2 id="list-title" className="mb-2 text-base font-semibold">
            {KIND_LABELS[query.kind]}, {query.status}
          </h2>
          <FindingList items={items} />
          {nextCursor ? (
            <p className="mt-3">
              <Link href={link({ cursor: nextCursor })} className="text-indigo-700 underline">
                Older findings →
              </Link>
            </p>
          ) : null}
        </section>
      ) : (
        (
          await Promise.all(
            [...groups]
              .filter(
                (g) =>
                  (query.status === "open"
                    ? g.open
                    : query.status === "resolved"
                      ? g.resolved
                      : g.open + g.resolved) > 0,
              )
              .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind))
              .map(async (g) => ({
                group: g,
                page: await listFindings({
                  ...query,
                  kind: g.kind as FindingListQuery["kind"],
                  limit: PER_GROUP,
                  cursor: undefined,
                }),
              })),
          )
        ).map(({ group, page }) => {
          const total =
            query.status === "open"
              ? group.open
              : query.status === "resolved"
                ? group.resolved
                : group.open + group.resolved;
          return (
            <section
              key={group.kind}
              aria-labelledby={`kind-${group.kind}`}
              className="mb-6"
              data-finding-group={group.kind}
            >
              <h2 id={`kind-${group.kind}`} className="mb-2 text-base font-semibold">
                {KIND_LABELS[group.kind] ?? group.kind}{" "}
                <span className="text-sm font-normal text-slate-600">
                  ({formatCount(total)} {query.status === "all" ? "" : query.status})
                </span>
              </h2>
              <FindingList items={page.items} />
              {total > page.items.length ? (
                <p className="mt-2 text-sm">
                  <Link href={link({ kind: group.kind })} className="text-indigo-700 underline">
                    All {formatCount(total)} →
                  </Link>
                </p>
              ) : null}
            </section>
          );
        })
      )}
    </>
  );
}

function FindingList({ items }: { items: FindingItem[] }) {
  if (items.length === 0) {
    return <EmptyState title="Nothing with these filters">Try another status or kind.</EmptyState>;
  }
  return (
    <ol className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
      {items.map((f) => (
        <li
          key={f.id}
          className="flex flex-col gap-1 p-3 text-sm sm:flex-row sm:items-start sm:gap-4"
        >
          <span
            className={`w-20 shrink-0 rounded px-2 py-0.5 text-center text-xs font-medium ${f.severity === "critical" ? "bg-rose-100 text-rose-800" : f.severity === "warning" ? "bg-amber-100 text-amber-900" : "bg-slate-100 text-slate-700"}`}
          >
            {f.severity}
          </span>
          <div className="min-w-0 flex-1">
            <p className="text-slate-800">{f.message}</p>
            <p className="mt-1 text-xs text-slate-500">
              {f.model ? <span className="mr-2 font-mono">{f.model}</span> : null}
              detected <Time iso={f.detectedAt} />
              {f.resolvedAt ? (
                <>
                  {" "}
                  · resolved <Time iso={f.resolvedAt} />
                </>
              ) : null}
            </p>
          </div>
          {f.incidentId ? (
            <Link href={incidentHref(f.incidentId)} className="shrink-0 text-indigo-700 underline">
              Incident →
            </Link>
          ) : null}
          {f.href ? (
            <Link href={f.href} className="shrink-0 text-indigo-700 underline">
              Evidence →
            </Link>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
