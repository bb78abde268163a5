import fs from "node:fs/promises";
import path from "node:path";
import { createPublicClient, http, type Hex, type PublicClient } from "viem";
import type { SourceConfig, SourceKind } from "@/lib/chain/source-config";
import type { BlobStore } from "@/lib/devnet/blob-store";
import { compileContracts } from "@/lib/devnet/compile";
import { DEVNET_CHAIN_IDS, DEVNET_PAYEE } from "@/lib/devnet/deploy";
import { log } from "@/lib/log";
import { executeOps } from "./chain-driver";
import { planStory, STORY_ENCLAVES } from "./plan";
import { createRng } from "./rng";
import { enclaveOf, pcrHashOf } from "./story-actors";
import { buildBatchBlobs, receiptFor, signActions, signRequests } from "./story-evidence";
import { buildStoryOps, type StoryContracts } from "./story-ops";

/** What the story did and which faults it planted: the answer key for tests and people. */
export interface StoryManifest {
  seed: string;
  requests: number;
  start: number;
  end: number;
  rolloutTime: number;
  rollbackTime: number;
  /** Head block per chain id when the story ended: a restart must not be below it. */
  heads: Record<string, string>;
  enclaves: { name: string; version: string; teeId: Hex; pcrHash: Hex }[];
  counts: Record<string, number>;
  faults: {
    corruptedSignatures: Hex[];
    settlementWithoutReceipt: Hex[];
    staleAfterRollback: Hex[];
  };
}

export const DEFAULT_STORY_REQUESTS = 300;

/**
 * Plays the seeded story against running devnet chains: on-chain events at chain times
 * spread over the last hours, batch blobs into the blob store, and an outbox in `outDir`
 * (`receipts.jsonl`, `agent-actions.jsonl`, `manifest.json`) for delivery to the ingest API.
 */
export async function playStory(args: {
  sources: SourceConfig;
  blobStore: BlobStore;
  outDir: string;
  seed: string;
  requests?: number;
  onProgress?: (stage: string, done: number, total: number) => void;
}): Promise<StoryManifest> {
  const { clients, contracts } = await connect(args.sources);
  const heads = await Promise.all([...clients.values()].map((c) => c.getBlock()));
  const start = Math.max(...heads.map((h) => Number(h.timestamp))) + 60;
  const end = Math.max(start + 4 * 3600, Math.floor(Date.now() / 1000) - 1800);
  const requests = args.requests ?? DEFAULT_STORY_REQUESTS;
  const plan = planStory({ seed: args.seed, requests, start, end });
  const rng = createRng(args.seed).fork("signatures");
  const signed = signRequests(plan, rng);
  const blobs = buildBatchBlobs(plan, signed);
  for (const { blobId, dump } of blobs.values())
    await args.blobStore.put(blobId, JSON.stringify(dump));
  const artifacts = await compileContracts();
  const ops = buildStoryOps({ plan, contracts, artifacts, signed, batchBlobs: blobs });
  log.info({ seed: args.seed, requests, transactions: ops.length }, "Playing the devnet story");
  const txHashes = await executeOps(clients, ops, (done, total) =>
    args.onProgress?.("transactions", done, total),
  );
  const receipts = plan.requests.flatMap((r) => {
    const s = signed.get(r.index);
    return s && r.receipt !== "withheld" ? [receiptFor(r, s)] : [];
  });
  const actions = await signActions(plan, signed, txHashes, contracts.base);
  await writeOutbox(args.outDir, receipts, actions.bodies);
  const finalHeads = await Promise.all(
    [...clients].map(async ([chainId, c]) => [
      chainId,
      (await c.getBlockNumber({ cacheTime: 0 })).toString(),
    ]),
  );
  const outputOf = (i: number) => signed.get(i)!.outputHash;
  const manifest: StoryManifest = {
    seed: args.seed,
    requests,
    start,
    end,
    rolloutTime: plan.rolloutTime,
    rollbackTime: plan.rollbackTime,
    heads: Object.fromEntries(finalHeads),
    enclaves: STORY_ENCLAVES.map((e) => ({
      name: e.name,
      version: e.version,
      teeId: enclaveOf(e.name).teeId,
      pcrHash: pcrHashOf(e.version),
    })),
    counts: {
      llmRequests: signed.size,
      onnxRequests: plan.requests.length - signed.size,
      receipts: receipts.length,
      individualSettlements: plan.requests.filter((r) => r.settlement?.mode === "individual")
        .length,
      batches: plan.batches.length,
      payments: plan.sessions.length,
      agentActions: plan.actions.length,
      transactions: ops.length,
    },
    faults: {
      corruptedSignatures: plan.requests
        .filter((r) => r.receipt === "corrupted")
        .map((r) => outputOf(r.index)),
      settlementWithoutReceipt: plan.requests
        .filter((r) => r.receipt === "withheld")
        .map((r) => outputOf(r.index)),
      staleAfterRollback: plan.requests.filter((r) => r.stale).map((r) => outputOf(r.index)),
    },
  };
  await fs.writeFile(
    path.join(args.outDir, "manifest.json"),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
  return manifest;
}

async function connect(sources: SourceConfig) {
  const find = (kind: SourceKind) => {
    const row = sources.find((s) => s.kind === kind);
    if (!row) throw new Error(`The devnet source configuration has no ${kind}.`);
    return row;
  };
  const clients = new Map<number, PublicClient>();
  for (const s of sources) {
    if (!clients.has(s.chainId)) {
      clients.set(
        s.chainId,
        createPublicClient({ transport: http(s.rpcUrl, { timeout: 60_000 }) }),
      );
    }
  }
  const contracts: StoryContracts = {
    og: DEVNET_CHAIN_IDS.og,
    base: DEVNET_CHAIN_IDS.base,
    registry: find("tee_registry").address,
    relay: find("settlement_relay").address,
    hub: find("inference_hub").address,
    token: find("opg_token").address,
    proxy: find("x402_proxy").address,
    payee: find("opg_token").payees?.[0] ?? DEVNET_PAYEE,
  };
  return { clients, contracts };
}

async function writeOutbox(dir: string, receipts: unknown[], actions: unknown[]) {
  await fs.mkdir(dir, { recursive: true });
  const lines = (items: unknown[]) => items.map((i) => JSON.stringify(i)).join("\n") + "\n";
  await fs.writeFile(path.join(dir, "receipts.jsonl"), lines(receipts));
  await fs.writeFile(path.join(dir, "agent-actions.jsonl"), lines(actions));
}
