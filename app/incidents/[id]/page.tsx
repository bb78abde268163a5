import type { Metadata } from "next";
import Link from "next/link";
import { AuditTrail } from "@/components/audit/audit-trail";
import { BlastChart } from "@/components/incidents/blast-chart";
import { BlastCounts } from "@/components/incidents/blast-counts";
import { BlastTables } from "@/components/incidents/blast-tables";
import { IncidentStatusBadge } from "@/components/incidents/status-badge";
import { RecomputeButton } from "@/components/incidents/recompute-button";
import { DownstreamTree } from "@/components/provenance/downstream-tree";
import { EvidenceSection } from "@/components/provenance/evidence-section";
import { ShareBanner } from "@/components/share/share-banner";
import { SharePanel } from "@/components/share/share-panel";
import { Card, EmptyState } from "@/components/ui/card";
import { Hash } from "@/components/ui/hash";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { pageOrigin } from "@/lib/auth/origin";
import { listAuditEventsFor } from "@/lib/db/audit";
import { compareBlastRadii, getBlastGraph } from "@/lib/db/blast-radius";
import { buildIncidentBundle } from "@/lib/db/evidence-bundle";
import type { IncidentDetail } from "@/lib/db/incidents";
import { activeShareFor } from "@/lib/db/share-links";
import { formatCount, formatUtc } from "@/lib/web/format";
import { incidentHref, inferenceHref, isInternalHref, modelHref, withShare } from "@/lib/web/links";
import { incidentSummary, linkMetadata } from "@/lib/web/summaries";
import { loadIncident } from "./load";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ share?: string | string[] }>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const i = await loadIncident((await params).id);
  return linkMetadata("Incident", incidentSummary(i), incidentHref(i.id));
}

export default async function IncidentPage({ params, searchParams }: Props) {
  const incident = await loadIncident((await params).id);
  // Opened through a share link: a banner, the token kept on downloads, no write controls.
  const shared = await activeShareFor((await searchParams).share, {
    type: "incident",
    id: incident.id,
  });
  const [latest, previous] = incident.blastRadii;
  const [graph, changes, audit, origin] = await Promise.all([
    latest ? getBlastGraph(latest.id) : Promise.resolve([]),
    latest && previous ? compareBlastRadii(latest.id, previous.id) : Promise.resolve(null),
    listAuditEventsFor("incident", incident.id),
    pageOrigin(),
  ]);
  const superseded = incident.supersededById !== null;
  return (
    <>
      {shared ? <ShareBanner expiresAt={shared.expiresAt} /> : null}
      <PageHeader title={`Rollback of ${incident.badVersion} on ${incident.model}`}>
        {incident.status === "proposed"
          ? "Proposed by the indexer from an on-chain revocation; an operator confirms it with a signed statement."
          : "A signed operator statement, and everything that depended on the bad version: stored as known when computed."}
      </PageHeader>
      {superseded ? (
        <p role="status" className="mb-4 rounded bg-slate-100 p-3 text-sm">
          Superseded by{" "}
          <Link className="text-indigo-700 underline" href={incidentHref(incident.supersededById!)}>
            a newer incident
          </Link>
          . This one stays as it was recorded.
        </p>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <StatementCard incident={incident} />
        </div>
        <Card id="actions" title="Next steps">
          <div className="space-y-2 text-sm">
            <p>
              <IncidentStatusBadge status={incident.status} superseded={superseded} />
            </p>
            {!shared && !superseded && incident.status === "proposed" ? (
              <Link
                href={`/incidents/new?confirm=${incident.id}`}
                className="inline-block rounded bg-indigo-700 px-3 py-1.5 font-medium text-white hover:bg-indigo-800"
              >
                Review and confirm
              </Link>
            ) : null}
            {!shared && !superseded && incident.status === "confirmed" ? (
              <Link
                href={`/incidents/new?correct=${incident.id}`}
                className="inline-block rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-50"
              >
                Correct with a new statement
              </Link>
            ) : null}
            {incident.supersedesId ? (
              <p>
                Supersedes{" "}
                <Link
                  className="text-indigo-700 underline"
                  href={incidentHref(incident.supersedesId)}
                >
                  an earlier incident
                </Link>
                .
              </p>
            ) : null}
            <p>
              <Link className="text-indigo-700 underline" href={modelHref(incident.model)}>
                The model&apos;s timeline
              </Link>
            </p>
          </div>
        </Card>
      </div>
      {shared ? null : (
        <div className="mt-4">
          <SharePanel scopeType="incident" scopeId={incident.id} />
        </div>
      )}
      <section aria-labelledby="blast-title" className="mt-6 space-y-4">
        <div className="flex flex-wrap items-baseline gap-3">
          <h2 id="blast-title" className="text-xl font-semibold">
            Blast radius
          </h2>
          {latest ? (
            <>
              <span className="text-sm text-slate-600">
                as known at <Time iso={latest.computedAt} />
              </span>
              <a
                className="text-sm text-indigo-700 underline"
                href={withShare(
                  `/api/v1/incidents/${incident.id}/blast-radius/export?format=csv`,
                  shared?.token,
                )}
              >
                CSV
              </a>
              <a
                className="text-sm text-indigo-700 underline"
                href={withShare(
                  `/api/v1/incidents/${incident.id}/blast-radius/export?format=json`,
                  shared?.token,
                )}
              >
                JSON
              </a>
            </>
          ) : null}
          {shared ? null : <RecomputeButton incidentId={incident.id} />}
        </div>
        {!latest ? (
          <EmptyState title="Not computed yet">
            {incident.status === "proposed"
              ? "The blast radius is computed and stored when an operator confirms this proposal."
              : "Recompute it to store one."}
          </EmptyState>
        ) : (
          <>
            <BlastCounts summary={latest.summary} />
            {changes ? <Changes changes={changes} previousAt={previous!.computedAt} /> : null}
            <Card id="blast-chart" title="Over time">
              <BlastChart series={latest.summary.series} />
            </Card>
            <Card id="blast-graph" title="What agents did with these outputs">
              {graph.length === 0 ? (
                <p className="text-sm text-slate-600">
                  No agent reported acting on the reached outputs.
                </p>
              ) : (
                <ul className="space-y-2">
                  {graph.map((g) => (
                    <li key={g.inferenceId}>
                      <details
                        open={graph.length <= 3}
                        className="rounded border border-slate-200 p-2"
                      >
                        <summary className="cursor-pointer text-sm">
                          <span className="font-mono text-xs">{g.inferenceId}</span>{" "}
                          {g.stale ? (
                            <span className="rounded bg-amber-50 px-1 text-xs text-amber-900">
                              stale
                            </span>
                          ) : null}{" "}
                          <span className="text-xs text-slate-600">
                            {formatUtc(g.occurredAt)}, {g.downstream.nodes.length} action
                            {g.downstream.nodes.length === 1 ? "" : "s"}
                          </span>
                        </summary>
                        <p className="mt-1 text-xs">
                          <Link
                            href={inferenceHref(g.inferenceId)}
                            className="text-indigo-700 underline"
                          >
                            Open the inference
                          </Link>
                        </p>
                        <div className="mt-2">
                          <DownstreamTree
                            nodes={g.downstream.nodes}
                            truncated={g.downstream.truncated}
                          />
                        </div>
                      </details>
                    </li>
                  ))}
                </ul>
              )}
              {graph.length >= 25 ? (
                <p className="mt-2 text-xs text-slate-600">
                  The first 25 outputs agents acted on; the tables and exports hold all.
                </p>
              ) : null}
            </Card>
            <Card id="blast-tables" title="Every record reached">
              <BlastTables
                incidentId={incident.id}
                computationId={latest.id}
                counts={{
                  affected: latest.summary.affected,
                  stale: latest.summary.stale,
                  settlements: latest.summary.settlements,
                  payments: latest.summary.payments,
                  actions: latest.summary.actions,
                  unknownActions: latest.summary.unknownActions,
                }}
              />
            </Card>
          </>
        )}
      </section>
      <div className="mt-6 grid gap-4 lg:grid-cols-2">
        <Card
          id="findings"
          title={`Findings under this incident (${formatCount(incident.findingsTotal)})`}
        >
          {incident.findings.length === 0 ? (
            <p className="text-sm text-slate-600">
              No finding falls under this incident
              {superseded ? " (they move to the incident that supersedes it)" : ""}.
            </p>
          ) : (
            <>
              <p className="mb-2 text-sm text-slate-700">
                {Object.entries(
                  incident.findings.reduce<Record<string, number>>((n, f) => {
                    n[f.kind] = (n[f.kind] ?? 0) + 1;
                    return n;
                  }, {}),
                )
                  .map(([kind, n]) => `${kind.replaceAll("_", " ")}: ${n}`)
                  .join(", ")}
                {incident.findingsTotal > incident.findings.length
                  ? ` (first ${incident.findings.length} of ${formatCount(incident.findingsTotal)})`
                  : ""}
              </p>
              <details>
                <summary className="cursor-pointer text-sm text-slate-700">Each finding</summary>
                <ul className="mt-1 space-y-1 text-sm">
                  {incident.findings.map((f) => (
                    <li key={f.id}>
                      {f.message}
                      {f.resolved ? " (resolved)" : ""}{" "}
                      {f.inferenceId ? (
                        <Link
                          className="text-indigo-700 underline"
                          href={inferenceHref(f.inferenceId)}
                        >
                          inference
                        </Link>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </details>
            </>
          )}
        </Card>
        <AuditTrail
          entries={audit}
          empty="No human action on this incident yet (proposals come from the indexer)."
        />
      </div>
      {/* A proposal has no signed statement yet, so nothing to bundle. */}
      {incident.signature ? (
        <div className="mt-6">
          <EvidenceSection
            build={() => buildIncidentBundle(incident.id, origin)}
            downloadHref={withShare(`/api/v1/incidents/${incident.id}/bundle`, shared?.token)}
          />
        </div>
      ) : null}
    </>
  );
}

function StatementCard({ incident: i }: { incident: IncidentDetail }) {
  const v = i.verification;
  return (
    <Card id="statement" title="Statement">
      <dl className="grid grid-cols-[10rem_1fr] gap-x-3 gap-y-1.5 text-sm">
        <dt className="text-slate-600">Model</dt>
        <dd className="font-mono text-xs">{i.model}</dd>
        <dt className="text-slate-600">Bad version</dt>
        <dd>
          {i.badVersion}{" "}
          <span className="font-mono text-xs break-all text-slate-500">{i.badVersionKey}</span>
        </dd>
        <dt className="text-slate-600">Rolled back to</dt>
        <dd>{i.rolledBackTo ?? "not named"}</dd>
        <dt className="text-slate-600">Window (UTC)</dt>
        <dd>
          {formatUtc(i.windowFrom)} → {i.windowTo ? formatUtc(i.windowTo) : "still live"}
          {i.windowChainId ? (
            <span className="text-slate-600">
              {" "}
              (chain {i.windowChainId}, blocks {i.windowFromBlock ?? "?"} →{" "}
              {i.windowToBlock ?? "open"})
            </span>
          ) : null}
        </dd>
        <dt className="text-slate-600">Reason</dt>
        <dd className="[overflow-wrap:anywhere] whitespace-pre-wrap" data-testid="incident-reason">
          {i.reason}
        </dd>
        <dt className="text-slate-600">Evidence</dt>
        <dd>
          {i.evidenceLinks.length === 0 ? (
            "none linked"
          ) : (
            <ul>
              {i.evidenceLinks.map((l) => (
                <li key={l}>
                  {isInternalHref(l) ? (
                    <Link className="break-all text-indigo-700 underline" href={l}>
                      {l}
                    </Link>
                  ) : (
                    <a
                      className="break-all text-indigo-700 underline"
                      href={l}
                      rel="noopener noreferrer nofollow"
                      target="_blank"
                    >
                      {l}
                    </a>
                  )}
                </li>
              ))}
            </ul>
          )}
        </dd>
        {i.proposedFrom ? (
          <>
            <dt className="text-slate-600">Proposed from</dt>
            <dd>
              PCRRevoked on chain {i.proposedFrom.chainId}, block {i.proposedFrom.blockNumber}, tx{" "}
              <Hash value={i.proposedFrom.txHash} />
              {i.proposedFrom.orphaned ? (
                <strong className="text-rose-700"> (orphaned by a reorg)</strong>
              ) : null}
            </dd>
          </>
        ) : null}
        <dt className="text-slate-600">Signed by</dt>
        <dd>
          {i.operator ? (
            <span className="font-mono text-xs">{i.operator}</span>
          ) : (
            "nobody yet (proposal)"
          )}{" "}
          {v ? (
            v.digestMatches && v.signedByOperator ? (
              <span className="rounded bg-emerald-50 px-1.5 text-xs font-medium text-emerald-800">
                signature verified
              </span>
            ) : (
              <span className="rounded bg-rose-50 px-1.5 text-xs font-medium text-rose-800">
                signature does NOT verify{v.signer ? ` (recovers to ${v.signer})` : ""}
              </span>
            )
          ) : null}
        </dd>
        {i.digest ? (
          <>
            <dt className="text-slate-600">EIP-712 digest</dt>
            <dd>
              <Hash value={i.digest} />
            </dd>
            <dt className="text-slate-600">Signature</dt>
            <dd>
              <Hash value={i.signature!} />
            </dd>
          </>
        ) : null}
        <dt className="text-slate-600">Recorded</dt>
        <dd>
          <Time iso={i.createdAt} />
        </dd>
      </dl>
      <details className="mt-3 text-xs">
        <summary className="cursor-pointer text-slate-700">The signed typed data</summary>
        <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-50 p-2">
          {JSON.stringify(i.statement, null, 2)}
        </pre>
      </details>
    </Card>
  );
}

function Changes({
  changes,
  previousAt,
}: {
  changes: { part: string; added: number; removed: number }[];
  previousAt: string;
}) {
  const moved = changes.filter((c) => c.added || c.removed);
  return (
    <p className="text-sm text-slate-700" role="status">
      Compared with the computation of {formatUtc(previousAt)}:{" "}
      {moved.length === 0
        ? "no change."
        : moved.map((c) => `${c.part} +${c.added}/−${c.removed}`).join(", ")}
    </p>
  );
}
