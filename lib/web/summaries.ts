import { statusLabel, type DisputeDetail } from "@/lib/api/schemas/disputes";
import type { InferenceDetail, OutputProvenance } from "@/lib/api/schemas/inferences";
import type { IncidentSummary } from "@/lib/db/incidents";
import { formatCount, formatUtc, shortHash } from "@/lib/web/format";
import { firstLine } from "@/lib/web/markdown";

/** A link preview: a title, one line of summary, and the state that colours the image. */
export interface LinkSummary {
  kicker: string;
  title: string;
  line: string;
  tone: "ok" | "warn" | "bad";
  badges: string[];
}

const SIGNATURE: Record<string, string> = {
  valid: "signature verified",
  invalid: "signature does NOT verify",
  no_key: "no enclave key",
  unverified: "signature not checked yet",
};

/** One inference in a line: model and version, when, and the state of its evidence. */
export function inferenceSummary(i: InferenceDetail): LinkSummary {
  const version = i.version ? ` ${i.version.label}` : " (version unknown)";
  const open = i.findings.filter((f) => !f.resolvedAt).length;
  const badges = [
    SIGNATURE[i.signatureStatus] ?? i.signatureStatus,
    i.settlement
      ? i.settlement.orphanedAt
        ? "settlement orphaned"
        : "settled on chain"
      : "not settled",
    ...(i.payments.length
      ? [`${i.payments.length} payment${i.payments.length > 1 ? "s" : ""}`]
      : []),
    ...(i.downstream.nodes.length
      ? [`${formatCount(i.downstream.nodes.length)} agent actions`]
      : []),
    ...(open ? [`${open} open finding${open > 1 ? "s" : ""}`] : []),
  ];
  const tone =
    i.orphaned || i.signatureStatus === "invalid"
      ? "bad"
      : open || i.liveAtTime === false
        ? "warn"
        : "ok";
  return {
    kicker: i.orphaned
      ? `Orphaned by reorg at block ${formatCount(i.orphaned.blockNumber)}`
      : "Output provenance",
    title: `${i.model.name}${version}`,
    line: `Output ${shortHash(i.outputHash)} at ${formatUtc(i.occurredAt)}: ${badges.join(", ")}.`,
    tone,
    badges,
  };
}

/** An output: its (usually one) inference, or how many produced it. */
export function outputSummary(o: OutputProvenance): LinkSummary {
  const first = inferenceSummary(o.inferences[0]!);
  if (o.inferences.length === 1) return first;
  return {
    ...first,
    line: `Output ${shortHash(o.outputHash)} was produced by ${o.inferences.length} inferences; the first: ${first.line}`,
  };
}

/** An incident: what was rolled back, its window and its signed state. */
export function incidentSummary(i: IncidentSummary): LinkSummary {
  const window = `${formatUtc(i.windowFrom)} – ${i.windowTo ? formatUtc(i.windowTo) : "still live"}`;
  const counts =
    i.affected === null
      ? "blast radius not computed"
      : `${formatCount(i.affected)} outputs affected, ${formatCount(i.stale ?? 0)} stale`;
  return {
    kicker:
      i.status === "proposed" ? "Proposed rollback (unsigned)" : "Rollback signed by an operator",
    title: `${i.model} ${i.badVersion}`,
    line: `Rolled back${i.rolledBackTo ? ` to ${i.rolledBackTo}` : ""}; window ${window}; ${counts}.`,
    tone: i.status === "proposed" ? "warn" : "bad",
    badges: [i.status, counts],
  };
}

/** A dispute: its status, its reason's first line, and what it is about. */
export function disputeSummary(d: DisputeDetail): LinkSummary {
  const produced = d.inferences.map((i) => `${i.model} ${i.version ?? "(version unknown)"}`);
  const entries = d.thread.length;
  return {
    kicker: `Dispute · ${statusLabel(d.status)}`,
    title: firstLine(d.reason, 60),
    line: `On output ${shortHash(d.outputHash)}${produced.length ? ` (${produced.join(", ")})` : ""}, opened ${formatUtc(d.createdAt)}; ${entries} thread entr${entries === 1 ? "y" : "ies"}${d.incident ? `; linked to the ${d.incident.model} ${d.incident.badVersion} rollback` : ""}.`,
    tone: d.status === "upheld" ? "bad" : d.status === "rejected" ? "ok" : "warn",
    badges: [
      statusLabel(d.status),
      ...produced.slice(0, 2),
      ...(d.incident ? ["incident linked"] : []),
    ],
  };
}

/** Page metadata for a permalink: title, the summary line, Open Graph and Twitter cards. */
export function linkMetadata(title: string, s: LinkSummary, url: string) {
  const full = `${title}: ${s.title}`;
  return {
    title: full,
    description: s.line,
    alternates: { canonical: url },
    openGraph: { title: full, description: s.line, url, type: "article" as const },
    twitter: { card: "summary_large_image" as const, title: full, description: s.line },
  };
}
