import type { Metadata } from "next";
import Link from "next/link";
import { DisputeStatusBadge } from "@/components/disputes/status-badge";
import { EmptyState } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { InlineError } from "@/components/ui/inline-error";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { ApiError } from "@/lib/api/errors";
import {
  DISPUTE_STATUSES,
  disputeListQuerySchema,
  statusLabel,
  type DisputeListQuery,
} from "@/lib/api/schemas/disputes";
import { parseQuery } from "@/lib/api/schemas/query";
import { listDisputedModels, listDisputes } from "@/lib/db/disputes";
import { shortHash } from "@/lib/web/format";
import { firstLine } from "@/lib/web/markdown";
import { outputHref, disputeHref } from "@/lib/web/links";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Disputes" };

type SearchParams = Record<string, string | string[] | undefined>;
const FIELD = "mt-1 block w-full rounded border border-slate-300 px-2 py-1 text-sm";

/** The query string's filters, or none with the reason when one is malformed. */
function readFilters(raw: SearchParams): { query: DisputeListQuery; problem: string | null } {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(raw)) if (typeof v === "string") params.set(k, v);
  try {
    return { query: parseQuery(disputeListQuerySchema, params), problem: null };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { query: disputeListQuerySchema.parse({}), problem: error.message };
  }
}

export default async function DisputesPage(props: { searchParams: Promise<SearchParams> }) {
  const raw = await props.searchParams;
  const { query, problem } = readFilters(raw);
  const [page, models] = await Promise.all([listDisputes(query), listDisputedModels()]);
  const total = Object.values(page.counts).reduce((a, b) => a + b, 0);
  const keep = (extra: Record<string, string | undefined>) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...raw, cursor: undefined, ...extra }))
      if (typeof v === "string" && v) next.set(k, v);
    const s = next.toString();
    return s ? `/disputes?${s}` : "/disputes";
  };
  const filtered = Object.keys(raw).some((k) => k !== "cursor" && raw[k]);
  return (
    <>
      <PageHeader title="Disputes">
        Outputs someone challenged, each with its thread. Auditors open and comment; operators move
        a dispute under review, uphold or reject it with a note, and link it to an incident. Every
        step is in the audit log.
      </PageHeader>
      <form method="get" action="/disputes" className="mb-4 grid gap-3 sm:grid-cols-5 sm:items-end">
        <label className="text-sm font-medium">
          Status
          <select name="status" defaultValue={query.status ?? ""} className={FIELD}>
            <option value="">Any</option>
            {DISPUTE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {statusLabel(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium">
          Model
          <select name="model" defaultValue={query.model ?? ""} className={FIELD}>
            <option value="">Any</option>
            {models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium">
          Opened by
          <input
            name="openedBy"
            defaultValue={query.openedBy ?? ""}
            placeholder="0x…"
            className={`${FIELD} font-mono`}
          />
        </label>
        <label className="text-sm font-medium">
          Mentions
          <input
            name="mentions"
            defaultValue={query.mentions ?? ""}
            placeholder="0x…"
            className={`${FIELD} font-mono`}
          />
        </label>
        <div className="flex items-center gap-3">
          {query.incident ? <input type="hidden" name="incident" value={query.incident} /> : null}
          {query.output ? <input type="hidden" name="output" value={query.output} /> : null}
          <button
            type="submit"
            className="rounded bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-800"
          >
            Filter
          </button>
          {filtered ? (
            <Link href="/disputes" className="text-sm text-indigo-700 underline">
              Clear
            </Link>
          ) : null}
        </div>
      </form>
      <InlineError message={problem ? `Filters ignored: ${problem}` : null} />
      <nav aria-label="Counts by status" className="mb-4 flex flex-wrap gap-2 text-sm">
        <Link
          href={keep({ status: undefined })}
          aria-current={!query.status ? "page" : undefined}
          className={`rounded px-2 py-1 ${!query.status ? "bg-indigo-700 text-white" : "border border-slate-300 hover:bg-slate-50"}`}
        >
          All {total}
        </Link>
        {DISPUTE_STATUSES.map((s) => (
          <Link
            key={s}
            href={keep({ status: s })}
            aria-current={query.status === s ? "page" : undefined}
            className={`rounded px-2 py-1 ${query.status === s ? "bg-indigo-700 text-white" : "border border-slate-300 hover:bg-slate-50"}`}
          >
            {statusLabel(s)} {page.counts[s]}
          </Link>
        ))}
      </nav>
      {page.disputes.length === 0 ? (
        <EmptyState title={filtered ? "No dispute matches these filters" : "No disputes yet"}>
          An auditor opens a dispute from an output&apos;s page (
          <span className="font-mono">/o/0x…</span>), with the reason the output is wrong. Search
          for an output hash, or open one from a model&apos;s timeline.
        </EmptyState>
      ) : (
        <DataTable
          caption="Disputes, latest activity first"
          columns={[
            { label: "Reason" },
            { label: "Status" },
            { label: "Output" },
            { label: "Model" },
            { label: "Opened by" },
            { label: "Comments", numeric: true },
            { label: "Last activity" },
          ]}
          rows={page.disputes.map((d) => ({
            key: d.id,
            cells: [
              <Link key="r" href={disputeHref(d.id)} className="text-indigo-700 underline">
                {firstLine(d.reason, 90) || "(no reason)"}
              </Link>,
              <DisputeStatusBadge key="s" status={d.status} />,
              <Link key="o" href={outputHref(d.outputHash)} className="font-mono text-xs underline">
                {shortHash(d.outputHash)}
              </Link>,
              <span key="m" className="font-mono text-xs">
                {d.models.join(", ") || "—"}
              </span>,
              <span key="b" className="font-mono text-xs" title={d.openedBy}>
                {shortHash(d.openedBy, 6, 4)}
              </span>,
              d.comments,
              <Time key="t" iso={d.updatedAt} />,
            ],
          }))}
        />
      )}
      {page.nextCursor ? (
        <p className="mt-4 text-sm">
          <Link
            href={keep({ cursor: page.nextCursor })}
            className="text-indigo-700 underline"
            rel="next"
          >
            Older disputes
          </Link>
        </p>
      ) : null}
    </>
  );
}
