import "server-only";
import { getPrisma } from "@/lib/db/client";

export interface AuditEntry {
  seq: string;
  occurredAt: string;
  actor: string;
  action: string;
  subject: string | null;
  hash: string;
}

/** The newest entries of the append-only audit log. */
export async function listRecentAuditEvents(limit = 50): Promise<AuditEntry[]> {
  const rows = await getPrisma().auditEvent.findMany({ orderBy: { seq: "desc" }, take: limit });
  return rows.map((e) => ({
    seq: e.seq.toString(),
    occurredAt: e.occurredAt.toISOString(),
    actor: e.actor,
    action: e.action,
    subject: e.subjectType ? `${e.subjectType} ${e.subjectId ?? ""}`.trim() : null,
    hash: e.hash,
  }));
}
