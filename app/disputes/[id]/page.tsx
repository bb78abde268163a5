import type { Metadata } from "next";
import Link from "next/link";
import { CommentForm, IncidentLinkForm, StatusForm } from "@/components/disputes/dispute-forms";
import { AuditTrail } from "@/components/audit/audit-trail";
import { RoleNotice } from "@/components/disputes/role-notice";
import { DisputeStatusBadge } from "@/components/disputes/status-badge";
import { DisputeThread } from "@/components/disputes/thread";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { hasRole } from "@/lib/auth/roles";
import { currentUser } from "@/lib/auth/session";
import { listAuditEventsFor } from "@/lib/db/audit";
import { buildDisputeBundle } from "@/lib/db/evidence-bundle";
import { pageOrigin } from "@/lib/auth/origin";
import { EvidenceSection } from "@/components/provenance/evidence-section";
import { ShareBanner } from "@/components/share/share-banner";
import { SharePanel } from "@/components/share/share-panel";
import { activeShareFor } from "@/lib/db/share-links";
import { listIncidents } from "@/lib/db/incidents";
import { formatUtc, shortHash } from "@/lib/web/format";
import {
  disputeHref,
  incidentHref,
  inferenceHref,
  modelHref,
  outputHref,
  withShare,
} from "@/lib/web/links";
import { disputeSummary, linkMetadata } from "@/lib/web/summaries";
import { loadDispute } from "./load";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ share?: string | string[] }>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const d = await loadDispute((await params).id);
  return linkMetadata("Dispute", disputeSummary(d), disputeHref(d.id));
}

export default async function DisputePage({ params, searchParams }: Props) {
  const dispute = await loadDispute((await params).id);
  // Opened through a share link: a banner, the token kept on the download, no write controls.
  const shared = await activeShareFor((await searchParams).share, {
    type: "dispute",
    id: dispute.id,
  });
  const [user, audit, origin] = await Promise.all([
    currentUser(),
    listAuditEventsFor("dispute", dispute.id),
    pageOrigin(),
  ]);
  const role = shared ? null : (user?.role ?? null);
  const operator = role !== null && hasRole(role, "operator");
  const incidents = operator ? await listIncidents({ limit: 200 }) : [];
  return (
    <>
      {shared ? <ShareBanner expiresAt={shared.expiresAt} /> : null}
      <PageHeader title={`Dispute on output ${shortHash(dispute.outputHash)}`}>
        Opened by <span className="font-mono">{shortHash(dispute.openedBy, 6, 4)}</span> on{" "}
        {formatUtc(dispute.createdAt)}. Its thread and every status change are in the audit log.
      </PageHeader>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <DisputeThread dispute={dispute} />
          {shared ? null : (
            <Card id="comment" title="Add to the thread">
              <RoleNotice role={role} needs="auditor" action="comment" />
              {role && hasRole(role, "auditor") ? <CommentForm disputeId={dispute.id} /> : null}
            </Card>
          )}
        </div>
        <div className="space-y-6">
          <Card id="details" title="Dispute">
            <dl className="grid grid-cols-[7rem_1fr] gap-x-2 gap-y-1.5 text-sm">
              <dt className="text-slate-600">Status</dt>
              <dd>
                <DisputeStatusBadge status={dispute.status} />
              </dd>
              <dt className="text-slate-600">Output</dt>
              <dd>
                <Link
                  href={outputHref(dispute.outputHash)}
                  className="font-mono text-xs break-all text-indigo-700 underline"
                >
                  {dispute.outputHash}
                </Link>
              </dd>
              <dt className="text-slate-600">Produced by</dt>
              <dd>
                <ul className="space-y-1">
                  {dispute.inferences.map((i) => (
                    <li key={i.id}>
                      <Link href={modelHref(i.model)} className="font-mono text-xs underline">
                        {i.model}
                      </Link>{" "}
                      {i.version ?? "version unknown"} (
                      <Link href={inferenceHref(i.id)} className="text-indigo-700 underline">
                        inference
                      </Link>
                      )
                    </li>
                  ))}
                </ul>
              </dd>
              <dt className="text-slate-600">Incident</dt>
              <dd data-testid="linked-incident">
                {dispute.incident ? (
                  <Link
                    href={incidentHref(dispute.incident.id)}
                    className="text-indigo-700 underline"
                  >
                    {dispute.incident.model} {dispute.incident.badVersion} (
                    {dispute.incident.status === "confirmed" ? "signed" : "proposed"})
                  </Link>
                ) : (
                  "not linked"
                )}
              </dd>
            </dl>
          </Card>
          {shared ? null : (
            <Card id="operator-actions" title="Decide">
              <div className="space-y-5">
                <RoleNotice
                  role={role}
                  needs="operator"
                  action="change the status or link an incident"
                />
                {operator ? (
                  <>
                    <StatusForm
                      key={dispute.status}
                      disputeId={dispute.id}
                      moves={dispute.allowedMoves}
                    />
                    <IncidentLinkForm
                      key={dispute.incidentId ?? "none"}
                      disputeId={dispute.id}
                      linked={dispute.incidentId}
                      incidents={incidents.map((i) => ({
                        id: i.id,
                        label: `${i.model} ${i.badVersion} (${i.status === "confirmed" ? "signed" : "proposed"}, ${formatUtc(i.createdAt).slice(0, 10)})`,
                      }))}
                    />
                  </>
                ) : null}
                <p className="text-xs text-slate-600">
                  Moves: open → under review → upheld or rejected; a decided dispute can be reopened
                  (back under review). Each needs a note.
                </p>
              </div>
            </Card>
          )}
          <AuditTrail entries={audit} empty="Nothing recorded." />
        </div>
      </div>
      <div className="mt-6">
        <EvidenceSection
          build={() => buildDisputeBundle(dispute.id, origin)}
          downloadHref={withShare(`/api/v1/disputes/${dispute.id}/bundle`, shared?.token)}
        />
        {shared ? null : (
          <div className="mt-6">
            <SharePanel scopeType="dispute" scopeId={dispute.id} />
          </div>
        )}
      </div>
    </>
  );
}
