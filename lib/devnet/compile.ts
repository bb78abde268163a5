import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Abi, Hex } from "viem";
import { log } from "@/lib/log";

/** The look-alike contracts under lib/devnet/contracts, one per `<Name>.sol` file. */
export const CONTRACT_NAMES = [
  "TeeRegistry",
  "SettlementRelay",
  "InferenceHub",
  "WorkflowScheduler",
  "OpgToken",
  "UptoProxy",
  "SettlementFlood",
] as const;

/** Name of one look-alike contract. */
export type ContractName = (typeof CONTRACT_NAMES)[number];

/** What deployment needs from the compiler for one contract. */
export interface Artifact {
  abi: Abi;
  /** Creation code (constructor arguments are appended at deploy time). */
  bytecode: Hex;
  /** Runtime code; equals the on-chain code because the contracts use no immutables. */
  deployedBytecode: Hex;
}

/** Compiled artifacts of every look-alike contract. */
export type Artifacts = Record<ContractName, Artifact>;

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CONTRACTS_DIR = path.join(HERE, "contracts");
const DEFAULT_CACHE_DIR = path.resolve(HERE, "../../.data/solc-cache");

// Note: the EVM version is pinned so the bytecode does not change with solc's default, and
// cancun runs on every anvil hardfork we start.
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } },
} as const;

interface SolcOutput {
  errors?: { severity: "error" | "warning" | "info"; formattedMessage: string }[];
  contracts?: Record<
    string,
    Record<
      string,
      { abi: Abi; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }
    >
  >;
}

let memo: { key: string; artifacts: Promise<Artifacts> } | undefined;

function solcVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("solc/package.json") as { version: string }).version;
}

async function readSources(): Promise<Record<string, { content: string }>> {
  const files = (await readdir(CONTRACTS_DIR)).filter((file) => file.endsWith(".sol")).sort();
  const sources: Record<string, { content: string }> = {};
  for (const file of files) {
    sources[file] = { content: await readFile(path.join(CONTRACTS_DIR, file), "utf8") };
  }
  return sources;
}

function cacheKey(sources: Record<string, { content: string }>): string {
  return createHash("sha256")
    .update(JSON.stringify({ solc: solcVersion(), settings: SETTINGS, sources }))
    .digest("hex");
}

async function readCache(file: string): Promise<Artifacts | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as Artifacts;
  } catch {
    return undefined; // a missing or torn cache entry just means compiling again
  }
}

async function runSolc(sources: Record<string, { content: string }>): Promise<Artifacts> {
  const { default: solc } = await import("solc");
  const input = { language: "Solidity", sources, settings: SETTINGS };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((error) => error.severity === "error");
  if (errors.length > 0) {
    throw new Error(
      `Solidity compilation failed: ${errors.map((error) => error.formattedMessage).join("\n")}`,
    );
  }
  const artifacts = {} as Artifacts;
  for (const name of CONTRACT_NAMES) {
    const compiled = output.contracts?.[`${name}.sol`]?.[name];
    if (!compiled) throw new Error(`Solidity output has no contract ${name} in ${name}.sol`);
    artifacts[name] = {
      abi: compiled.abi,
      bytecode: `0x${compiled.evm.bytecode.object}`,
      deployedBytecode: `0x${compiled.evm.deployedBytecode.object}`,
    };
  }
  return artifacts;
}

async function compileOrLoad(
  key: string,
  sources: Record<string, { content: string }>,
  cacheDir: string,
) {
  const file = path.join(cacheDir, `${key}.json`);
  const cached = await readCache(file);
  if (cached) return cached;
  const started = Date.now();
  const artifacts = await runSolc(sources);
  await mkdir(cacheDir, { recursive: true });
  // Write-then-rename: parallel test workers may compile at once; each sees a whole file.
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(artifacts));
  await rename(tmp, file);
  log.info(
    { solc_version: solcVersion(), cache_key: key, duration_ms: Date.now() - started },
    "Compiled devnet contracts",
  );
  return artifacts;
}

/**
 * Compiles the look-alike contracts with solc's standard JSON (optimizer on) and returns their
 * ABIs and bytecode. Output is cached under `.data/solc-cache/<sha256>.json`, keyed by the
 * sources, the solc version and the settings, so only a change to any of them recompiles.
 * Throws with solc's messages when a contract does not compile.
 */
export async function compileContracts(options: { cacheDir?: string } = {}): Promise<Artifacts> {
  const sources = await readSources();
  const key = cacheKey(sources);
  if (memo?.key !== key) {
    const artifacts = compileOrLoad(key, sources, options.cacheDir ?? DEFAULT_CACHE_DIR);
    memo = { key, artifacts };
    artifacts.catch(() => {
      if (memo?.artifacts === artifacts) memo = undefined;
    });
  }
  return memo.artifacts;
}
