#!/usr/bin/env node
// `npx provenance-verify bundle.json [--rpc URL]… [--signer 0x…]… [--json]`: re-checks an
// evidence bundle without our database. The verifier is TypeScript, run through tsx.
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
const { main } = await import("../scripts/provenance-verify.ts");
process.exitCode = await main(process.argv.slice(2));
