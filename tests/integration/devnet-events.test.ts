import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { keccak256, parseEventLogs, toEventSelector, type Hex, type Log } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVENT_ABIS_BY_KIND, TEE_REGISTRY_ABI } from "@/lib/chain/abis";
import { loadSourceConfig, type SourceConfig } from "@/lib/chain/source-config";
import { FACTS_TOPICS, factsKeyForTopic } from "@/lib/chain/topics";
import {
  compileContracts,
  createDevnetClients,
  DEVNET_CHAIN_IDS,
  startDevnet,
  type Devnet,
  type DevnetClients,
} from "@/lib/devnet";
import { addressOf, runEveryDevnetCall, type ScenarioResult } from "../fixtures/devnet-calls";

// Note: ERC-20 `approve` must emit Approval (EIP-20), and the real OPG token does too; it is the
// one event on our chains that the indexer deliberately ignores.
const APPROVAL_TOPIC = toEventSelector("Approval(address,address,uint256)");

let dataDir: string;
let devnet: Devnet | undefined;
let og: DevnetClients;
let base: DevnetClients;
let scenario: ScenarioResult;
let allLogs: Log[];
// Note: both chains are deployed by the same account from nonce 0, so the registry on 10740 and
// the OPG token on 8453 share an address; logs must be keyed by chain as well as address.
const logsByChain = new Map<number, Log[]>();

async function clientsFor(current: Devnet) {
  const rpc = (chainId: number) => current.chains.find((c) => c.chainId === chainId)!.rpcUrl;
  return Promise.all([
    createDevnetClients(DEVNET_CHAIN_IDS.og, rpc(DEVNET_CHAIN_IDS.og)),
    createDevnetClients(DEVNET_CHAIN_IDS.base, rpc(DEVNET_CHAIN_IDS.base)),
  ]);
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "provenance-devnet-"));
  devnet = await startDevnet({ dataDir });
  [og, base] = await clientsFor(devnet);
  const artifacts = await compileContracts();
  scenario = await runEveryDevnetCall({ og, base, sources: devnet.sources, artifacts });
  const logsOf = (clients: DevnetClients) => clients.publicClient.getLogs({ fromBlock: 0n });
  const [ogLogs, baseLogs] = await Promise.all([logsOf(og), logsOf(base)]);
  logsByChain.set(DEVNET_CHAIN_IDS.og, ogLogs).set(DEVNET_CHAIN_IDS.base, baseLogs);
  allLogs = [...ogLogs, ...baseLogs];
});

afterAll(async () => {
  await devnet?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("devnet look-alike contracts", () => {
  it("emit only FACTS topics (plus the token's Approval)", () => {
    const unknown = allLogs
      .map((log) => log.topics[0])
      .filter((topic) => topic !== APPROVAL_TOPIC && !factsKeyForTopic(topic));
    expect(allLogs.length).toBeGreaterThan(0);
    expect(unknown).toEqual([]);
  });

  it("emit every FACTS event with its exact topic0", () => {
    const seen = new Set(allLogs.map((log) => factsKeyForTopic(log.topics[0])));
    const missing = Object.keys(FACTS_TOPICS).filter((key) => !seen.has(key as never));
    expect(missing).toEqual([]);
  });

  it("put the token's Transfer and the proxy's Settled() in one transaction", () => {
    const token = addressOf(devnet!.sources, DEVNET_CHAIN_IDS.base, "opg_token").toLowerCase();
    const proxy = addressOf(devnet!.sources, DEVNET_CHAIN_IDS.base, "x402_proxy").toLowerCase();
    for (const [fn, event] of [
      ["settle", FACTS_TOPICS.Settled],
      ["settleWithPermit", FACTS_TOPICS.SettledWithPermit],
    ] as const) {
      const { receipt } = scenario.calls.find((c) => c.functionName === fn)!;
      const topics = receipt.logs.map((log) => [log.address.toLowerCase(), log.topics[0]]);
      expect(topics).toEqual([
        [token, FACTS_TOPICS.Transfer],
        [proxy, event],
      ]);
    }
  });

  it("produce logs that lib/chain ABIs decode by source kind", () => {
    for (const source of devnet!.sources) {
      const logs = (logsByChain.get(source.chainId) ?? []).filter(
        (log) =>
          log.address.toLowerCase() === source.address.toLowerCase() &&
          log.topics[0] !== APPROVAL_TOPIC,
      );
      const decoded = parseEventLogs({ abi: EVENT_ABIS_BY_KIND[source.kind], logs, strict: true });
      expect(decoded.length, source.label).toBe(logs.length);
    }
    const completion = parseEventLogs({
      abi: EVENT_ABIS_BY_KIND.inference_hub,
      eventName: "LLMCompletionEvent",
      logs: allLogs,
    })[0];
    expect(completion?.args.request.modelCID).toBe("meta-llama/Llama-3.1-8B");
    expect(completion?.args.response.answer).toBe("Moderately.");
  });

  it("getTEE() returns the registered public key, whose keccak256 is the teeId", async () => {
    const registered = parseEventLogs({
      abi: TEE_REGISTRY_ABI,
      eventName: "TEERegistered",
      logs: allLogs,
    });
    const teeId = registered[0]?.args.teeId as Hex;
    expect(teeId).toBe(scenario.teeId);
    const tee = await og.publicClient.readContract({
      address: addressOf(devnet!.sources, DEVNET_CHAIN_IDS.og, "tee_registry"),
      abi: TEE_REGISTRY_ABI,
      functionName: "getTEE",
      args: [teeId],
    });
    expect(tee.publicKey).toBe(scenario.publicKey);
    expect(keccak256(tee.publicKey)).toBe(teeId);
    // The scenario ended by revoking this TEE's runtime image, which disables it.
    expect(tee.enabled).toBe(false);
  });

  it("loadSourceConfig() rejects the devnet's sources.json with a malformed rpcUrl", async () => {
    const file = JSON.parse(await readFile(devnet!.sourcesFile, "utf8")) as {
      sources: { rpcUrl: string }[];
    };
    file.sources[0]!.rpcUrl = "127.0.0.1:8545";
    const broken = path.join(dataDir, "broken-sources.json");
    await writeFile(broken, JSON.stringify(file));
    await expect(loadSourceConfig(broken)).rejects.toThrow(/rpcUrl of row 0 .*127\.0\.0\.1:8545/);
  });

  it("keep their code and state across an anvil restart, and deployDevnet reuses them", async () => {
    const before = devnet!.sources;
    const fileBefore = await readFile(devnet!.sourcesFile, "utf8");
    const heads = await Promise.all(
      [og, base].map((c) => c.publicClient.getBlockNumber({ cacheTime: 0 })),
    );
    await devnet!.stop();
    devnet = undefined;
    devnet = await startDevnet({ dataDir });
    const placement = (sources: SourceConfig) =>
      sources.map(({ chainId, kind, address, fromBlock }) => ({
        chainId,
        kind,
        address,
        fromBlock,
      }));
    expect(placement(devnet.sources)).toEqual(placement(before));
    // The previous ports were free again, so even the RPC URLs, hence the file, are unchanged.
    expect(await readFile(devnet.sourcesFile, "utf8")).toBe(fileBefore);

    [og, base] = await clientsFor(devnet);
    const tee = await og.publicClient.readContract({
      address: addressOf(devnet.sources, DEVNET_CHAIN_IDS.og, "tee_registry"),
      abi: TEE_REGISTRY_ABI,
      functionName: "getTEE",
      args: [scenario.teeId],
    });
    expect(tee.publicKey).toBe(scenario.publicKey);
    // Same heads as before the restart: nothing was redeployed.
    expect(
      await Promise.all([og, base].map((c) => c.publicClient.getBlockNumber({ cacheTime: 0 }))),
    ).toEqual(heads);
  });
});
