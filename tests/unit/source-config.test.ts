import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  loadSourceConfig,
  parseSourceConfig,
  parseSourceFile,
  writeSourceConfig,
} from "@/lib/chain/source-config";

const OPENGRADIENT_CONFIG = path.resolve(
  import.meta.dirname,
  "../../config/sources.opengradient.json",
);

// Every contract address listed in shared/opengradient/FACTS.md (lower-cased).
const FACTS_ADDRESSES = new Set(
  [
    "0xf1dc0d5Dcf2A01924faC78185B9227CF3EC839A5",
    "0xAa3bB22c5Ef24fe3837134A25A4D801308E2516d",
    "0xDa8B168054F7eaaa71C2016829f0ED1161F947Ef",
    "0x9Ce828377ed2F94093eB9D6d606Fa8f47fA89A3d",
    "0x703cB174AEadB35D611858369B4b1111dC9Abda6",
    "0x4e72238852f3c918f4E4e57AeC9280dDB0c80248",
    "0x8383C9bD7462F12Eb996DD02F78234C0421A6FaE",
    "0x00000000000000000000000000000000000000F4",
    "0x7179724De4e7FF9271FA40C0337c7f90C0508eF6",
    "0xFbC2051AE2265686a469421b2C5A2D5462FbF5eB",
    "0x240b09731D96979f50B2C649C9CE10FcF9C7987F",
    "0x4020A4f3b7b90ccA423B9fabCc0CE57C6C240002",
    "0x402085c248EeA27D92E8b30b2C58ed07f9E20001",
  ].map((address) => address.toLowerCase()),
);

const ENV = {
  OG_RPC_URL: "https://og.example/rpc",
  BASE_RPC_URL: "https://base.example/rpc",
  BASE_SEPOLIA_RPC_URL: "wss://base-sepolia.example/ws",
};

const VALID_ROW = {
  chainId: 10740,
  rpcUrl: "http://127.0.0.1:8545",
  kind: "tee_registry",
  address: "0x703cb174aeadb35d611858369b4b1111dc9abda6",
  abiVersion: 2,
  fromBlock: 0,
  label: "TEE registry",
};

describe("config/sources.opengradient.json", () => {
  it("validates, with rpcUrl placeholders filled from the environment", async () => {
    const sources = await loadSourceConfig(OPENGRADIENT_CONFIG, { env: ENV });
    expect(sources.length).toBeGreaterThan(0);
    expect(new Set(sources.map((s) => s.rpcUrl))).toEqual(new Set(Object.values(ENV)));
  });

  it("points only at addresses listed in FACTS.md", async () => {
    const sources = await loadSourceConfig(OPENGRADIENT_CONFIG, { env: ENV });
    for (const source of sources) expect(FACTS_ADDRESSES).toContain(source.address.toLowerCase());
  });

  it("names the missing environment variable when a placeholder cannot be filled", async () => {
    await expect(loadSourceConfig(OPENGRADIENT_CONFIG, { env: {} })).rejects.toThrow(
      /rpcUrl of row 0 needs environment variable OG_RPC_URL/,
    );
  });
});

describe("loadSourceConfig()", () => {
  it("checksums addresses", () => {
    const [row] = parseSourceConfig([VALID_ROW]);
    expect(row?.address).toBe("0x703cB174AEadB35D611858369B4b1111dC9Abda6");
  });

  it("rejects a malformed rpcUrl with one sentence naming the field, row and value", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "sources-"));
    const file = path.join(dir, "sources.json");
    await writeFile(file, JSON.stringify([VALID_ROW, { ...VALID_ROW, rpcUrl: "localhost:8545" }]));
    await expect(loadSourceConfig(file)).rejects.toThrow(
      `Invalid source config ${file}: rpcUrl of row 1 ("TEE registry") must be an http(s) or ws(s) URL, got "localhost:8545".`,
    );
  });

  it("rejects an unknown kind, a bad address and a duplicate row by field name", () => {
    expect(() => parseSourceConfig([{ ...VALID_ROW, kind: "oracle" }])).toThrow(/kind of row 0/);
    expect(() => parseSourceConfig([{ ...VALID_ROW, address: "0x1234" }])).toThrow(
      /address of row 0 .* must be a 0x-prefixed 20-byte hex address/,
    );
    expect(() => parseSourceConfig([VALID_ROW, VALID_ROW])).toThrow(
      /address of row 1 .* duplicates an earlier tee_registry row/,
    );
  });

  it("says so when the file is missing or not JSON", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "sources-"));
    await expect(loadSourceConfig(path.join(dir, "absent.json"))).rejects.toThrow(
      /Cannot read source config/,
    );
    const file = path.join(dir, "broken.json");
    await writeFile(file, "[{");
    await expect(loadSourceConfig(file)).rejects.toThrow(/is not valid JSON/);
  });
});

describe("known agents in the source file", () => {
  const AGENT = {
    address: "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc" as `0x${string}`,
    label: "Rebalancer",
  };

  it("reads { sources, agents } with checksummed agent addresses, and the array form as no agents", () => {
    const file = parseSourceFile({ sources: [VALID_ROW], agents: [AGENT] });
    expect(file.sources).toHaveLength(1);
    expect(file.agents).toEqual([
      { address: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", label: "Rebalancer" },
    ]);
    expect(parseSourceFile([VALID_ROW]).agents).toEqual([]);
    expect(parseSourceConfig({ sources: [VALID_ROW], agents: [AGENT] })).toHaveLength(1);
  });

  it("names a bad agent or a bad row of the object form", () => {
    expect(() =>
      parseSourceFile({ sources: [VALID_ROW], agents: [{ ...AGENT, label: "" }] }),
    ).toThrow(/label of agent 0/);
    expect(() => parseSourceFile({ sources: [VALID_ROW], agents: [AGENT, AGENT] })).toThrow(
      /address of agent 1 duplicates an earlier agent/,
    );
    expect(() =>
      parseSourceFile({ sources: [{ ...VALID_ROW, rpcUrl: "localhost:1" }], agents: [] }),
    ).toThrow(/rpcUrl of row 0 \("TEE registry"\)/);
  });

  it("writes the object form when given agents, and reads back what it wrote", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "sources-"));
    const file = path.join(dir, "sources.json");
    await writeSourceConfig(file, parseSourceConfig([VALID_ROW]), [AGENT]);
    expect(await loadSourceConfig(file)).toHaveLength(1);
    const { agents } = parseSourceFile(JSON.parse(await readFile(file, "utf8")));
    expect(agents.map((a) => a.label)).toEqual(["Rebalancer"]);
  });
});
