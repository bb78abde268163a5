import "server-only";
import { getPrisma } from "@/lib/db/client";

export interface ModelSummary {
  name: string;
  kind: string;
  versions: number;
  inferences: number;
  incidents: number;
}

/** Every model with how many versions, inferences and incidents it has, by name. */
export async function listModelSummaries(): Promise<ModelSummary[]> {
  const models = await getPrisma().model.findMany({
    orderBy: { name: "asc" },
    include: { _count: { select: { versions: true, inferences: true, incidents: true } } },
  });
  return models.map((m) => ({
    name: m.name,
    kind: m.kind,
    versions: m._count.versions,
    inferences: m._count.inferences,
    incidents: m._count.incidents,
  }));
}

/** Receipts stored but not yet turned into inferences (the indexer links them). */
export async function countUnlinkedReceipts(): Promise<number> {
  return getPrisma().receipt.count({ where: { inference: null } });
}
