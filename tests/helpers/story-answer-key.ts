import { planStory, type StoryManifest } from "@/lib/devnet/scenario";

export interface BlastAnswer {
  affected: number;
  stale: number;
  settlements: number;
  payments: number;
  /** Sum of the whole payments touching the reached inferences, OPG base units. */
  paymentTotal: bigint;
  actionsByDepth: Record<string, number>;
}

/**
 * What the v1.1.0 rollback reached for one model, derived from the story's plan (the same
 * seed and span give the same plan), not from the database: the requests v1.1.0 served in
 * its window and after its revocation, the settlements and x402 sessions they were in,
 * and the agent actions that cited them, level by level.
 */
export function v110BlastAnswer(manifest: StoryManifest, model: string): BlastAnswer {
  const plan = planStory({
    seed: manifest.seed,
    requests: manifest.requests,
    start: manifest.start,
    end: manifest.end,
  });
  // Note: the plan names LLM models without the "llm:" prefix the product gives them.
  const hits = plan.requests.filter((r) => r.bad && `llm:${r.model}` === model);
  const hitIndexes = new Set(hits.map((r) => r.index));
  const batches = new Set<number>();
  let individual = 0;
  for (const r of hits) {
    if (r.settlement?.mode === "individual") individual++;
    if (r.settlement?.mode === "batch") batches.add(r.settlement.batch);
  }
  const sessions = plan.sessions.filter((s) => s.requests.some((i) => hitIndexes.has(i)));
  const depthOf = new Map<number, number>();
  for (const a of [...plan.actions].sort((x, y) => x.depth - y.depth)) {
    if (a.citesRequests.some((i) => hitIndexes.has(i))) depthOf.set(a.index, 1);
    for (const cited of a.citesActions) {
      const d = depthOf.get(cited);
      if (d !== undefined && !depthOf.has(a.index)) depthOf.set(a.index, d + 1);
    }
  }
  const actionsByDepth: Record<string, number> = {};
  for (const d of depthOf.values()) actionsByDepth[d] = (actionsByDepth[d] ?? 0) + 1;
  return {
    affected: hits.filter((r) => !r.stale).length,
    stale: hits.filter((r) => r.stale).length,
    settlements: individual + batches.size,
    payments: sessions.length,
    paymentTotal: sessions.reduce((n, s) => n + s.amount, 0n),
    actionsByDepth,
  };
}
