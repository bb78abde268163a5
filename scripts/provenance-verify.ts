import fs from "node:fs/promises";
import { parseArgs } from "node:util";
import { parseBundle, verifyBundle, type Claim } from "@/lib/evidence/verify-bundle";

const USAGE = `Usage: provenance-verify <bundle.json> [--rpc <url>]… [--signer <0xaddress>]… [--json]

Re-checks an evidence bundle exported by Provenance: every signature, hash and proof in it,
with no database and no network. Prints one PASS / FAIL / SKIP line per claim and exits 1
when any claim fails (2 when the bundle cannot be read).

  --rpc <url>       also re-read the on-chain facts from this JSON-RPC endpoint (repeat it
                    for each chain: the OpenGradient chain for enclaves and settlements,
                    Base for payments); claims on chains without one are skipped
  --signer <addr>   trust only this audit checkpoint signer (repeatable)
  --json            print the claims as JSON instead of lines`;

/** The CLI: returns the exit code (0 all pass, 1 a claim failed, 2 unusable input). */
export async function main(
  argv: string[],
  out = process.stdout,
  err = process.stderr,
): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        rpc: { type: "string", multiple: true },
        signer: { type: "string", multiple: true },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    err.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1) {
    err.write(`${USAGE}\n`);
    return 2;
  }
  const signers = args.values.signer ?? [];
  const badSigner = signers.find((s) => !/^0x[0-9a-fA-F]{40}$/.test(s));
  if (badSigner) {
    err.write(`--signer ${badSigner} is not a 0x-prefixed 20-byte address.\n`);
    return 2;
  }
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    err.write(`Cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    err.write(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const parsed = parseBundle(json);
  if (!parsed.ok) {
    err.write(`${file}: ${parsed.error}\n`);
    return 2;
  }
  const { bundle } = parsed;
  const claims = await verifyBundle(bundle, { trustedSigners: signers });
  if (args.values.rpc?.length) {
    // Note: imported only here, so the default run loads no network code at all.
    const { verifyBundleOnChain } = await import("@/lib/evidence/verify-bundle-onchain");
    try {
      claims.push(...(await verifyBundleOnChain(bundle, args.values.rpc)));
    } catch (error) {
      err.write(`--rpc: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
  }
  if (args.values.json) {
    out.write(`${JSON.stringify({ subject: bundle.subject, claims }, null, 2)}\n`);
  } else {
    out.write(`Evidence bundle for ${bundle.subject.type} ${bundle.subject.id}\n`);
    out.write(`exported by ${bundle.origin} at ${bundle.createdAt}\n\n`);
    for (const c of claims) out.write(`${line(c)}\n`);
    out.write(`\n${summary(claims)}\n`);
    if (bundle.outputsOmitted > 0) {
      out.write(
        `Note: ${bundle.outputsOmitted} more affected outputs are not in this bundle; each output's own bundle holds its evidence.\n`,
      );
    }
  }
  return claims.some((c) => c.result === "fail") ? 1 : 0;
}

function line(c: Claim): string {
  return `${c.result.toUpperCase().padEnd(4)}  ${c.kind.padEnd(19)} ${c.subject}: ${c.detail}`;
}

/** "12 passed, 1 failed, 3 skipped" */
export function summary(claims: Claim[]): string {
  const n = (r: Claim["result"]) => claims.filter((c) => c.result === r).length;
  return `${n("pass")} passed, ${n("fail")} failed, ${n("skip")} skipped`;
}

// Run directly (node --import tsx scripts/provenance-verify.ts …) as well as through the bin.
if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
