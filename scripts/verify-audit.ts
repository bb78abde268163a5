import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { auditKeyFile, loadAuditSigner } from "@/lib/audit/signing-key";
import { verifyAuditLog } from "@/lib/audit/verify";
import { lockDataDir } from "@/lib/data-dir-lock";
import { runningEmbeddedUrl, startEmbeddedPostgres } from "@/lib/db/embedded";
import { dataDir, getEnv } from "@/lib/env";

const HELP = `npm run verify:audit [-- --signer 0xADDRESS ...]

Recomputes the audit log's hash chain from the stored rows and checks every signed
checkpoint, then prints the first broken link (if any). Every checkpoint must be signed by
the expected signer: each --signer given, else AUDIT_SIGNER, else the address of
AUDIT_SIGNING_KEY, else of this data directory's own key (DATA_DIR/keys/audit-signing.key).
On another machine than the server, pass the address the server shows on /audit.

DATABASE_URL selects the database; otherwise the embedded PostgreSQL under DATA_DIR (the
one \`npm start\` is running, or started for the check).
Exit codes: 0 the log verifies, 1 it does not (or the check could not run).`;

async function database(stops: (() => Promise<void>)[]): Promise<string> {
  const env = getEnv();
  if (env.DATABASE_URL) return env.DATABASE_URL;
  const pgDir = path.join(dataDir(env), "pg");
  const running = await runningEmbeddedUrl(pgDir);
  if (running) return running;
  stops.push(await lockDataDir(dataDir(env)));
  const db = await startEmbeddedPostgres({ dataDir: pgDir });
  stops.push(() => db.stop());
  return db.url;
}

/**
 * The addresses every checkpoint must be signed by. Note: a data directory without a key is
 * not given one here: a key made now would sign nothing and fail every checkpoint.
 */
function expectedSigners(given: string[]): string[] {
  if (given.length) return given;
  const env = getEnv();
  if (env.AUDIT_SIGNER) return [env.AUDIT_SIGNER.toLowerCase()];
  if (env.AUDIT_SIGNING_KEY || fs.existsSync(auditKeyFile(dataDir(env)))) {
    const key = loadAuditSigner({ key: env.AUDIT_SIGNING_KEY, dataDir: dataDir(env) });
    return [key.address.toLowerCase()];
  }
  throw new Error(
    "No expected signer: pass --signer 0xADDRESS (the address the server shows on /audit) or set AUDIT_SIGNER.",
  );
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes("--help")) {
    console.log(HELP);
    return 0;
  }
  const given: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== "--signer" || !/^0x[0-9a-fA-F]{40}$/.test(args[i + 1] ?? "")) {
      throw new Error(`Unknown or incomplete option ${args[i]}; see --help.`);
    }
    given.push(args[++i]!.toLowerCase());
  }
  const expected = expectedSigners(given);
  const stops: (() => Promise<void>)[] = [];
  try {
    const client = new pg.Client({ connectionString: await database(stops) });
    await client.connect();
    try {
      const result = await verifyAuditLog(client, expected);
      console.log(
        `audit log: ${result.events} events, ${result.checkpoints} signed checkpoints, head ${result.headHash}`,
      );
      if (result.firstBroken) {
        console.log(
          `FAIL first broken link at seq ${result.firstBroken.seq}: ${result.firstBroken.message}`,
        );
      }
      for (const p of result.checkpointProblems) console.log(`FAIL checkpoint: ${p.message}`);
      if (result.ok)
        console.log(`PASS the chain and every checkpoint verify (signer ${expected.join(" or ")})`);
      return result.ok ? 0 : 1;
    } finally {
      await client.end();
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`verify:audit: ${(error as Error).message}`);
    process.exit(1);
  },
);
