import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InferenceDetail, InferencePage } from "@/lib/api/schemas/inferences";
import type { ModelList } from "@/lib/api/schemas/models";
import type { Timeline } from "@/lib/api/schemas/timeline";
import { callGet } from "../helpers/route";
import { playStoryIntoTestDatabase, type PlayedStory } from "../helpers/story";

const SEED = process.env.READ_API_SEED ?? "read-api";
const REQUESTS = Number(process.env.READ_API_REQUESTS ?? 120);
const GPT = "llm:openai/gpt-4.1";

let story: PlayedStory;
type Routes = {
  models: typeof import("@/app/api/v1/models/route");
  timeline: typeof import("@/app/api/v1/models/[model]/timeline/route");
  inferences: typeof import("@/app/api/v1/inferences/route");
  inference: typeof import("@/app/api/v1/inferences/[id]/route");
  outputs: typeof import("@/app/api/v1/outputs/[hash]/route");
  findings: typeof import("@/app/api/v1/findings/route");
  search: typeof import("@/app/api/v1/search/route");
};
let r: Routes;

const iso = (unix: number) => new Date(unix * 1000).toISOString();
const timeline = async (query = "", model = GPT) =>
  callGet(r.timeline.GET, `/api/v1/models/x/timeline?${query}`, {
    model: encodeURIComponent(model),
  });
const bucketTotal = (t: Timeline) =>
  t.buckets.reduce((n, b) => n + Object.values(b.requests).reduce((a, c) => a + c, 0), 0);

beforeAll(async () => {
  story = await playStoryIntoTestDatabase(SEED, REQUESTS);
  const { runIndexer } = await import("@/lib/indexer");
  await runIndexer({ pool: story.db.pool, config: story.devnet.sources, mode: "until-head" });
  r = {
    models: await import("@/app/api/v1/models/route"),
    timeline: await import("@/app/api/v1/models/[model]/timeline/route"),
    inferences: await import("@/app/api/v1/inferences/route"),
    inference: await import("@/app/api/v1/inferences/[id]/route"),
    outputs: await import("@/app/api/v1/outputs/[hash]/route"),
    findings: await import("@/app/api/v1/findings/route"),
    search: await import("@/app/api/v1/search/route"),
  };
}, 240_000);

afterAll(async () => {
  await story?.stop();
});

describe(`the read API on the devnet story (seed ${SEED}, ${REQUESTS} requests)`, () => {
  it("lists the models with v1.0.0 live now and the rolled-back v1.1.0 not", async () => {
    const { status, json } = await callGet(r.models.GET, "/api/v1/models");
    expect(status).toBe(200);
    const gpt = (json as unknown as ModelList).models.find((m) => m.name === GPT)!;
    expect(gpt.versions.map((v) => [v.label, v.live]).sort()).toEqual([
      ["v1.0.0", true],
      ["v1.1.0", false],
    ]);
    expect(gpt.inferences).toBe(gpt.versions.reduce((n, v) => n + v.inferences, 0));
  });

  it("shows v1.1.0 live from its rollout until the rollback, with that rollback window", async () => {
    const t = (await timeline()).json as unknown as Timeline;
    const lane = t.lanes.find((l) => l.label === "v1.1.0")!;
    // The plan's rollback time, give or take the block's timestamp.
    expect(Math.abs(Date.parse(lane.to!) - story.manifest.rollbackTime * 1000)).toBeLessThan(
      60_000,
    );
    expect(Math.abs(Date.parse(lane.from) - story.manifest.rolloutTime * 1000)).toBeLessThan(
      60_000,
    );
    expect(t.rollbackWindows).toEqual([
      expect.objectContaining({ label: "v1.1.0", to: lane.to, source: "revocation" }),
    ]);
    const { rows } = await story.db.pool.query(
      `SELECT count(*)::int AS n FROM inference i JOIN model m ON m.id = i.model_id
        WHERE m.name = $1 AND i.orphaned_at IS NULL`,
      [GPT],
    );
    expect(t.totals.requests).toBe(rows[0].n);
    expect(bucketTotal(t)).toBe(rows[0].n);
  });

  it("counts the same from the hourly roll-up as from the rows themselves", async () => {
    const range = `from=${iso(story.manifest.start - 3600)}&to=${iso(story.manifest.end + 3600)}`;
    const hourly = (await timeline(`${range}&bucket=1h`)).json as unknown as Timeline;
    const fine = (await timeline(`${range}&bucket=5m`)).json as unknown as Timeline;
    expect(bucketTotal(hourly)).toBe(bucketTotal(fine));
    expect(hourly.totals.paid).toBe(fine.totals.paid);
    expect(BigInt(hourly.totals.paid)).toBeGreaterThan(0n);
  });

  it("as of a moment inside the rollout, shows v1.1.0 as live with no rollback known", async () => {
    const mid = iso(Math.floor((story.manifest.rolloutTime + story.manifest.rollbackTime) / 2));
    const t = (await timeline(`asOf=${mid}`)).json as unknown as Timeline;
    expect(t.asOf).toBe(mid);
    expect(t.lanes.find((l) => l.label === "v1.1.0")).toMatchObject({ to: null });
    expect(t.rollbackWindows).toEqual([]);
    expect(t.findings.filter((f) => f.kind === "stale_after_rollback")).toEqual([]);
    expect(Date.parse(t.buckets.at(-1)!.start)).toBeLessThan(Date.parse(mid));
    const before = (await timeline(`asOf=${iso(story.manifest.rolloutTime - 600)}`))
      .json as unknown as Timeline;
    expect(before.lanes.map((l) => l.label)).toEqual(["v1.0.0"]);
  });

  it("pages every inference of a model exactly once, newest first, by cursor", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let previous = Infinity;
    do {
      const path: string = `/api/v1/inferences?model=${encodeURIComponent(GPT)}&limit=7${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await callGet(r.inferences.GET, path)).json as unknown as InferencePage;
      for (const item of page.items) {
        expect(Date.parse(item.occurredAt)).toBeLessThanOrEqual(previous);
        previous = Date.parse(item.occurredAt);
        seen.push(item.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    const { rows } = await story.db.pool.query(
      `SELECT i.id FROM inference i JOIN model m ON m.id = i.model_id WHERE m.name = $1`,
      [GPT],
    );
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual(rows.map((x) => x.id as string).sort());
  });

  it("filters the list and the timeline by payer alike", async () => {
    const { rows } = await story.db.pool.query(
      `SELECT payer, count(*)::int AS n FROM inference i JOIN model m ON m.id = i.model_id
        WHERE m.name = $1 AND payer IS NOT NULL GROUP BY payer ORDER BY payer LIMIT 1`,
      [GPT],
    );
    const payer = rows[0].payer as string;
    const page = (
      await callGet(
        r.inferences.GET,
        `/api/v1/inferences?model=${encodeURIComponent(GPT)}&payer=${payer}&limit=200`,
      )
    ).json as unknown as InferencePage;
    expect(page.items).toHaveLength(rows[0].n);
    const t = (await timeline(`payer=${payer}`)).json as unknown as Timeline;
    expect(t.totals.requests).toBe(rows[0].n);
  });

  it("shows a corrupted receipt's inference as invalid, with the reason", async () => {
    const out = await callGet(r.outputs.GET, "/", {
      hash: story.manifest.faults.corruptedSignatures[0]!,
    });
    expect(out.status).toBe(200);
    const [i] = (out.json as unknown as { inferences: InferenceDetail[] }).inferences;
    expect(i!.signatureStatus).toBe("invalid");
    expect(i!.verificationReason).toMatch(/signature/);
    expect(i!.findings.map((f) => f.kind)).toContain("bad_signature");
  });

  it("flags a record served after the rollback, and says its version was not live then", async () => {
    const out = await callGet(r.outputs.GET, "/", {
      hash: story.manifest.faults.staleAfterRollback[0]!,
    });
    const [i] = (out.json as unknown as { inferences: InferenceDetail[] }).inferences;
    expect(i!.version?.label).toBe("v1.1.0");
    expect(i!.liveAtTime).toBe(false);
    expect(i!.findings.map((f) => f.kind)).toContain("stale_after_rollback");
  });

  it("follows an output to every agent action that depended on it, at any depth", async () => {
    const { rows } = await story.db.pool.query(
      `WITH RECURSIVE walk(id, root, depth) AS (
         SELECT action_id, output_hash, 1 FROM agent_action_citation WHERE output_hash IS NOT NULL
         UNION SELECT c.action_id, w.root, w.depth + 1 FROM walk w JOIN agent_action_citation c ON c.cited_action_id = w.id)
       SELECT root, max(depth) AS depth, count(DISTINCT id)::int AS n FROM walk
        WHERE root IN (SELECT output_hash FROM inference) GROUP BY root ORDER BY 2 DESC, 3 DESC LIMIT 1`,
    );
    const deepest = rows[0] as { root: string; depth: number; n: number };
    expect(deepest.depth).toBeGreaterThanOrEqual(2);
    const out = await callGet(r.outputs.GET, "/", { hash: deepest.root });
    const [i] = (out.json as unknown as { inferences: InferenceDetail[] }).inferences;
    expect(i!.downstream.nodes).toHaveLength(deepest.n);
    expect(Math.max(...i!.downstream.nodes.map((n) => n.depth))).toBe(deepest.depth);
    for (const n of i!.downstream.nodes.filter((x) => x.depth > 1)) {
      expect(i!.downstream.nodes.some((p) => p.id === n.parentId && p.depth === n.depth - 1)).toBe(
        true,
      );
    }
  });

  it("groups findings by kind, and the stale ones are exactly the planted ones", async () => {
    const { json } = await callGet(
      r.findings.GET,
      "/api/v1/findings?kind=stale_after_rollback&limit=200",
    );
    const groups = json.groups as { kind: string; open: number }[];
    expect(groups.find((g) => g.kind === "stale_after_rollback")?.open).toBe(
      story.manifest.faults.staleAfterRollback.length,
    );
    const items = json.items as { href: string; kind: string }[];
    expect(items).toHaveLength(story.manifest.faults.staleAfterRollback.length);
    expect(
      items.every((f) => f.kind === "stale_after_rollback" && f.href.startsWith("/inferences/")),
    ).toBe(true);
  });

  it("search sends an output hash straight to its permalink, with or without 0x", async () => {
    const hash = story.manifest.faults.staleAfterRollback[0]!;
    for (const q of [hash, hash.slice(2).toUpperCase()]) {
      const { json } = await callGet(r.search.GET, `/api/v1/search?q=${q}`);
      expect(json.exact).toBe(`/o/${hash}`);
    }
    const model = await callGet(r.search.GET, `/api/v1/search?q=${encodeURIComponent(GPT)}`);
    expect(model.json.exact).toBe(`/models/${encodeURIComponent(GPT)}`);
  });

  it.each([
    ["timeline", "bucket=2h", "bucket"],
    ["timeline", "from=2026-11-23T10:00:00Z&to=2026-11-23T09:00:00Z", "to"],
    ["timeline", "from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&bucket=5m", "bucket"],
    ["timeline", "enclave=0x12", "enclave"],
    ["timeline", "version=v9.9.9", "version"],
    ["inferences", "limit=1000", "limit"],
    ["inferences", "cursor=bm9wZQ", "cursor"],
    ["inferences", "model=nope", "model"],
    ["inferences", "status=great", "status"],
    ["findings", "kind=everything", "kind"],
    ["search", "q=", "q"],
  ])("%s with %s answers 422 naming %s", async (route, query, param) => {
    const res =
      route === "timeline"
        ? await timeline(query)
        : await callGet(
            r[route as "inferences" | "findings" | "search"].GET,
            `/api/v1/${route}?${query}`,
          );
    expect(res.status).toBe(422);
    expect(res.json.message).toMatch(new RegExp(`^${param}: `));
  });

  it("answers 404 for an unknown model, inference or output, and 422 for a malformed hash", async () => {
    expect((await timeline("", "llm:nope")).status).toBe(404);
    expect((await callGet(r.inference.GET, "/", { id: "inf_nope" })).status).toBe(404);
    expect((await callGet(r.outputs.GET, "/", { hash: `0x${"0".repeat(64)}` })).status).toBe(404);
    const bad = await callGet(r.outputs.GET, "/", { hash: "0x1234" });
    expect(bad.status).toBe(422);
    expect(bad.json.message).toMatch(/^hash: /);
  });

  it("keeps answering for a record a reorg orphaned, and says at which block", async () => {
    // As markOrphanedAbove does for a reorg: the event and the inference resting on it.
    const { rows } = await story.db.pool.query(
      `WITH h AS (UPDATE hub_event SET orphaned_at = now()
                   WHERE id = (SELECT hub_event_id FROM inference WHERE hub_event_id IS NOT NULL ORDER BY id LIMIT 1)
                   RETURNING id, block_number::text)
       UPDATE inference i SET orphaned_at = now() FROM h WHERE i.hub_event_id = h.id RETURNING i.id, h.block_number`,
    );
    const { id, block_number } = rows[0] as { id: string; block_number: string };
    const res = await callGet(r.inference.GET, "/", { id });
    expect(res.status).toBe(200);
    expect((res.json as unknown as InferenceDetail).orphaned).toMatchObject({
      blockNumber: block_number,
    });
  });
});
