import "server-only";
import { getPrisma } from "@/lib/db/client";

export interface IncidentSummary {
  id: string;
  model: string;
  badVersion: string;
  rolledBackTo: string | null;
  windowFrom: string;
  windowTo: string | null;
  status: string;
  superseded: boolean;
}

/** Incidents, newest first; superseded ones stay listed (incidents are append-only). */
export async function listIncidentSummaries(limit = 100): Promise<IncidentSummary[]> {
  const rows = await getPrisma().incident.findMany({
    orderBy: { createdAt: "desc" },
    take: limit,
    include: { model: true, badVersion: true, rolledBackTo: true, supersededBy: true },
  });
  return rows.map((i) => ({
    id: i.id,
    model: i.model.name,
    badVersion: i.badVersion.label,
    rolledBackTo: i.rolledBackTo?.label ?? null,
    windowFrom: i.windowFrom.toISOString(),
    windowTo: i.windowTo?.toISOString() ?? null,
    status: i.status,
    superseded: i.supersededBy !== null,
  }));
}
