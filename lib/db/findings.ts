import "server-only";
import { getPrisma } from "@/lib/db/client";

/** How many open (unresolved) findings there are of each kind, most first. */
export async function countOpenFindingsByKind(): Promise<{ kind: string; count: number }[]> {
  const groups = await getPrisma().finding.groupBy({
    by: ["kind"],
    where: { resolvedAt: null },
    _count: { _all: true },
  });
  return groups
    .map((g) => ({ kind: g.kind as string, count: g._count._all }))
    .sort((a, b) => b.count - a.count);
}
