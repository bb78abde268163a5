import type { Metadata } from "next";
import { z } from "zod";
import { IncidentForm, type IncidentPrefill } from "@/components/incidents/incident-form";
import { EmptyState } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { getIncidentOrThrow, listIncidentChoices } from "@/lib/db/incidents";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Mark a rollback" };

const idSchema = z.uuid();

/** The form to declare, confirm (a proposal) or correct (a signed incident) a rollback. */
export default async function NewIncidentPage(props: {
  searchParams: Promise<{ confirm?: string; correct?: string }>;
}) {
  const q = await props.searchParams;
  const choices = await listIncidentChoices();
  const baseId = idSchema.safeParse(q.confirm ?? q.correct);
  let prefill: IncidentPrefill | null = null;
  if (baseId.success) {
    const base = await getIncidentOrThrow(baseId.data);
    prefill = {
      action: q.confirm ? "confirm" : "correct",
      supersedes: base.id,
      model: base.model,
      badVersion: base.badVersionKey,
      rolledBackTo: base.rolledBackToKey ?? "",
      windowFrom: base.windowFrom,
      windowTo: base.windowTo,
      reason: base.reason,
      evidenceLinks: base.evidenceLinks,
    };
  }
  const title =
    prefill?.action === "confirm"
      ? "Confirm a proposed rollback"
      : prefill?.action === "correct"
        ? "Correct an incident"
        : "Mark a rollback";
  return (
    <>
      <PageHeader title={title}>
        Name the model, the bad version and when it served. Your wallet signs the statement
        (EIP-712); the server checks the signature and stores both. Nothing is edited later: a
        correction is a new signed incident that supersedes this one.
      </PageHeader>
      {choices.length === 0 ? (
        <EmptyState title="No models indexed yet">
          Incidents name a model and one of its versions; they appear once the indexer has seen
          inferences.
        </EmptyState>
      ) : (
        <IncidentForm choices={choices} prefill={prefill} />
      )}
    </>
  );
}
