import Link from "next/link";
import { Card } from "@/components/ui/card";
import { formatUtc, shortHash } from "@/lib/web/format";

/** The audit entries about one thing, each linking to its place in the log. */
export function AuditTrail({
  entries,
  empty,
}: {
  entries: { seq: string; action: string; actor: string; occurredAt: string }[];
  empty: string;
}) {
  return (
    <Card id="audit" title="Audit trail">
      {entries.length === 0 ? (
        <p className="text-sm text-slate-600">{empty}</p>
      ) : (
        <ol className="space-y-1 text-sm">
          {entries.map((a) => (
            <li key={a.seq}>
              <Link
                href={`/audit?before=${Number(a.seq) + 1}`}
                className="font-mono text-xs text-indigo-700 underline"
              >
                #{a.seq}
              </Link>{" "}
              {a.action} by <span className="font-mono text-xs">{shortHash(a.actor, 6, 4)}</span>,{" "}
              {formatUtc(a.occurredAt)}
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
