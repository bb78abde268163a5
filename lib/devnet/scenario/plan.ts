import { makeExchange, STORY_MODELS } from "./content";
import { createRng, type Rng } from "./rng";

/** The enclaves of the story: A and B run v1.0.0; C is B's host moved to v1.1.0. */
export const STORY_ENCLAVES = [
  { name: "A", keyIndex: 0, version: "v1.0.0", endpoint: "https://tee-a.devnet.local" },
  { name: "B", keyIndex: 1, version: "v1.0.0", endpoint: "https://tee-b.devnet.local" },
  { name: "C", keyIndex: 2, version: "v1.1.0", endpoint: "https://tee-b.devnet.local" },
] as const;
export type EnclaveName = (typeof STORY_ENCLAVES)[number]["name"];

export interface StoryOptions {
  seed: string;
  requests: number;
  /** Unix seconds: the story's chain time runs from start to end. */
  start: number;
  end: number;
}

export interface PlannedRequest {
  index: number;
  time: number;
  kind: "llm" | "onnx";
  model: string;
  enclave: EnclaveName | null;
  /** Served by the bad runtime (v1.1.0). */
  bad: boolean;
  /** Served by v1.1.0 after its revocation: the record keeps claiming the bad version. */
  stale: boolean;
  prompt: string;
  reply: string;
  temperature: number;
  maxTokens: number;
  payer: number | null;
  session: string | null;
  /** OPG base units (18 decimals) this request costs. */
  cost: bigint;
  settlement: { mode: "individual"; time: number } | { mode: "batch"; batch: number } | null;
  /** posted as signed; corrupted (a flipped signature byte); withheld (never posted). */
  receipt: "posted" | "corrupted" | "withheld" | null;
  /** Whether the receipt carries the request and reply, so hashes can be recomputed. */
  withPayload: boolean;
}

export interface PlannedBatch {
  index: number;
  closeTime: number;
  requests: number[];
}

export interface PlannedSession {
  id: string;
  payer: number;
  requests: number[];
  settleTime: number;
  amount: bigint;
}

export interface PlannedAction {
  index: number;
  time: number;
  agent: number;
  kind: "onchain_tx" | "settings_change" | "memory_write";
  citesRequests: number[];
  citesActions: number[];
  depth: number;
}

export interface StoryPlan {
  options: StoryOptions;
  rolloutTime: number;
  rollbackTime: number;
  requests: PlannedRequest[];
  batches: PlannedBatch[];
  sessions: PlannedSession[];
  actions: PlannedAction[];
}

const PAYERS = 3;
const AGENTS = 3;
const BATCH_WINDOW = 15 * 60;

/**
 * The whole story as data, before anything touches a chain: the same options give the same
 * plan. Traffic spreads over [start, end]; v1.1.0 rolls out at 40% and is revoked at 65%
 * of the span; a few of its records come after the revocation; two receipts are corrupted
 * and one settled request never has its receipt posted.
 */
export function planStory(options: StoryOptions): StoryPlan {
  if (options.requests < 20) throw new Error("The story needs at least 20 requests.");
  if (options.end - options.start < 3600) throw new Error("The story needs at least an hour.");
  const rng = createRng(options.seed);
  const span = options.end - options.start;
  const rolloutTime = options.start + Math.floor(span * 0.4);
  const rollbackTime = options.start + Math.floor(span * 0.65);
  const requests = planRequests(rng.fork("requests"), options, rolloutTime, rollbackTime);
  const batches = planSettlements(rng.fork("settlements"), requests, options);
  plantFaults(rng.fork("faults"), requests);
  const sessions = planSessions(rng.fork("sessions"), requests, options.seed);
  const actions = planActions(rng.fork("actions"), requests);
  return { options, rolloutTime, rollbackTime, requests, batches, sessions, actions };
}

function planRequests(rng: Rng, o: StoryOptions, rollout: number, rollback: number) {
  const times = Array.from({ length: o.requests }, () => rng.int(o.start + 600, o.end)).sort(
    (a, b) => a - b,
  );
  let staleLeft = 3 + Math.floor(o.requests / 200);
  return times.map((time, index): PlannedRequest => {
    const onnx = rng.chance(0.15);
    let enclave: EnclaveName | null = null;
    if (!onnx) {
      if (time >= rollout && time < rollback) enclave = rng.chance(0.6) ? "C" : "A";
      else if (time >= rollback && staleLeft > 0) enclave = "C";
      else enclave = rng.chance(0.5) ? "A" : "B";
    }
    const stale = enclave === "C" && time >= rollback;
    if (stale) staleLeft--;
    const bad = enclave === "C";
    const { prompt, reply } = makeExchange(rng, bad);
    const payer = onnx ? null : rng.int(0, PAYERS - 1);
    return {
      index,
      time,
      kind: onnx ? "onnx" : "llm",
      model: onnx ? STORY_MODELS.onnx : rng.chance(0.55) ? STORY_MODELS.gpt : STORY_MODELS.claude,
      enclave,
      bad,
      stale,
      prompt,
      reply,
      temperature: rng.pick([0, 0.2, 0.7, 1]),
      maxTokens: rng.pick([64, 256, 1024]),
      payer,
      session: null,
      cost: BigInt(rng.int(1, 50)) * 10n ** 15n,
      settlement: null,
      receipt: onnx ? null : "posted",
      withPayload: !onnx && rng.chance(0.8),
    };
  });
}

/** 30% settled one by one a little later; the rest in Merkle batches every 15 minutes. */
function planSettlements(rng: Rng, requests: PlannedRequest[], o: StoryOptions) {
  const maxBatch = Math.min(500, Math.max(50, Math.ceil(o.requests / 200)));
  const batches: PlannedBatch[] = [];
  let open: PlannedBatch | undefined;
  for (const r of requests.filter((q) => q.kind === "llm")) {
    if (rng.chance(0.3)) {
      r.settlement = { mode: "individual", time: r.time + rng.int(5, 60) };
      continue;
    }
    const windowEnd = o.start + (Math.floor((r.time - o.start) / BATCH_WINDOW) + 1) * BATCH_WINDOW;
    if (!open || open.closeTime !== windowEnd + 30 || open.requests.length >= maxBatch) {
      open = { index: batches.length, closeTime: windowEnd + 30, requests: [] };
      batches.push(open);
    }
    open.requests.push(r.index);
    r.settlement = { mode: "batch", batch: open.index };
  }
  return batches.filter((b) => b.requests.length > 0);
}

/** Two corrupted receipt signatures; one individually settled request never posted. */
function plantFaults(rng: Rng, requests: PlannedRequest[]) {
  const healthy = requests.filter((r) => r.kind === "llm" && !r.bad);
  const individual = healthy.filter((r) => r.settlement?.mode === "individual");
  const withheld = rng.pick(individual);
  withheld.receipt = "withheld";
  const corruptible = healthy.filter((r) => r !== withheld);
  const first = rng.pick(corruptible);
  first.receipt = "corrupted";
  rng.pick(corruptible.filter((r) => r !== first)).receipt = "corrupted";
}

/** Per payer, consecutive requests less than 10 minutes apart share an x402 upto session. */
function planSessions(rng: Rng, requests: PlannedRequest[], seed: string) {
  const sessions: PlannedSession[] = [];
  for (let payer = 0; payer < PAYERS; payer++) {
    let current: PlannedSession | undefined;
    let last = 0;
    for (const r of requests.filter((q) => q.payer === payer)) {
      if (!current || r.time - last > 600 || current.requests.length >= rng.int(3, 8)) {
        current = {
          id: `upto-${seed}-${payer}-${sessions.length}`,
          payer,
          requests: [],
          settleTime: 0,
          amount: 0n,
        };
        sessions.push(current);
      }
      current.requests.push(r.index);
      current.amount += r.cost;
      current.settleTime = r.time + rng.int(100, 300);
      r.session = current.id;
      last = r.time;
    }
  }
  return sessions.sort((a, b) => a.settleTime - b.settleTime);
}

/**
 * Agents act on some outputs (on most of the bad ones), and some actions lead to further
 * actions, up to three levels. The first bad output always gets a three-level chain.
 */
function planActions(rng: Rng, requests: PlannedRequest[]) {
  const actions: PlannedAction[] = [];
  const add = (a: Omit<PlannedAction, "index">) => {
    actions.push({ ...a, index: actions.length });
    return actions.length - 1;
  };
  const firstBad = requests.find((r) => r.bad && r.receipt === "posted");
  for (const r of requests.filter((q) => q.kind === "llm" && q.receipt !== "withheld")) {
    const forced = r === firstBad;
    if (!forced && !rng.chance(r.bad ? 0.6 : 0.12)) continue;
    let time = r.time + rng.int(30, 900);
    let parent = add({
      time,
      agent: rng.int(0, AGENTS - 1),
      kind: rng.pick(KINDS),
      citesRequests: [r.index],
      citesActions: [],
      depth: 1,
    });
    for (let depth = 2; depth <= 3 && (forced || rng.chance(0.35)); depth++) {
      time += rng.int(60, 1200);
      parent = add({
        time,
        agent: rng.int(0, AGENTS - 1),
        kind: rng.pick(KINDS),
        citesRequests: [],
        citesActions: [parent],
        depth,
      });
    }
  }
  return actions.sort((a, b) => a.time - b.time || a.index - b.index);
}

const KINDS = ["onchain_tx", "settings_change", "memory_write"] as const;
