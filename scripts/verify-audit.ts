import path from "node:path";
import pg from "pg";
import { loadAuditSigner } from "@/lib/audit/signing-key";
import { verifyAuditLog } from "@/lib/audit/verify";
import { lockDataDir } from "@/lib/data-dir-lock";
import { runningEmbeddedUrl, startEmbeddedPostgres } from "@/lib/db/embedded";
import { dataDir, getEnv } from "@/lib/env";

const HELP = `npm run verify:audit [-- --signer 0xADDRESS ...]

Recomputes the audit log's hash chain from the stored rows and checks every signed
checkpoint, then prints the first broken link (if any). Checkpoints must be signed by this
server's key (AUDIT_SIGNING_KEY, else DATA_DIR/keys/audit-signing.key) or by a --signer.

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

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes("--help")) {
    console.log(HELP);
    return 0;
  }
  const extra: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] !== "--signer" || !/^0x[0-9a-fA-F]{40}$/.test(args[i + 1] ?? "")) {
      throw new Error(`Unknown or incomplete option ${args[i]}; see --help.`);
    }
    extra.push(args[++i]!.toLowerCase());
  }
  const env = getEnv();
  const key = loadAuditSigner({ key: env.AUDIT_SIGNING_KEY, dataDir: dataDir(env) });
  const stops: (() => Promise<void>)[] = [];
  try {
    const client = new pg.Client({ connectionString: await database(stops) });
    await client.connect();
    try {
      const result = await verifyAuditLog(client, [key.address, ...extra]);
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
        console.log(
          `PASS the chain and every checkpoint verify (key ${key.address.toLowerCase()})`,
        );
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
