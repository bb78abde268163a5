import Link from "next/link";
import type { ReactNode } from "react";
import { Time } from "@/components/ui/time";
import { statusLabel, type DisputeDetail, type DisputeEntry } from "@/lib/api/schemas/disputes";
import { shortHash } from "@/lib/web/format";
import { incidentHref } from "@/lib/web/links";
import { Markdown } from "./markdown";

/** The reason, then every comment, status change and incident link, oldest first. */
export function DisputeThread({ dispute }: { dispute: DisputeDetail }) {
  return (
    <ol className="space-y-3" aria-label="Thread" data-testid="dispute-thread">
      <li className="rounded-lg border border-slate-200 bg-white p-3">
        <EntryHeader author={dispute.openedBy} at={dispute.createdAt}>
          opened the dispute
        </EntryHeader>
        <Markdown text={dispute.reason} className="mt-2" />
      </li>
      {dispute.thread.map((entry) => (
        <li
          key={entry.id}
          data-kind={entry.kind}
          className={`rounded-lg border p-3 ${entry.kind === "comment" ? "border-slate-200 bg-white" : "border-indigo-100 bg-indigo-50/40"}`}
        >
          <EntryHeader author={entry.author} at={entry.createdAt}>
            <EntryAction entry={entry} />
          </EntryHeader>
          <Markdown text={entry.body} className="mt-2" />
        </li>
      ))}
    </ol>
  );
}

function EntryAction({ entry }: { entry: DisputeEntry }) {
  if (entry.kind === "comment") return <>commented</>;
  if (entry.kind === "status_change") {
    return (
      <>
        moved it from <strong>{statusLabel(entry.statusFrom!)}</strong> to{" "}
        <strong>{statusLabel(entry.statusTo!)}</strong>
      </>
    );
  }
  return entry.incidentId ? (
    <>
      linked it to{" "}
      <Link href={incidentHref(entry.incidentId)} className="text-indigo-700 underline">
        incident {shortHash(entry.incidentId, 8, 0)}
      </Link>
    </>
  ) : (
    <>unlinked the incident</>
  );
}

function EntryHeader(props: { author: string; at: string; children: ReactNode }) {
  return (
    <p className="text-xs text-slate-700">
      <span className="font-mono" title={props.author}>
        {shortHash(props.author, 6, 4)}
      </span>{" "}
      {props.children}, <Time iso={props.at} />
    </p>
  );
}
