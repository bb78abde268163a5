import crypto from "node:crypto";
import fc from "fast-check";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signTeeResponse } from "@/lib/devnet/scenario/tee-signer";
import { makeReceipt } from "../fixtures/receipts";
import { signIn, TEST_ORIGIN } from "../helpers/auth";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { insertEnclave, insertRegistry } from "../helpers/linker-fixtures";
import { anyRequest, MODULES, READS, WRITES, type FuzzRequest } from "../helpers/fuzz-routes";
import { callRoute, pointAppAtDatabase } from "../helpers/route";

/**
 * Property-based fuzzing of every write route and every query parameter of the read
 * routes, called in-process as the server calls them, against a real database. FUZZ_RUNS
 * sets the number of generated requests (10,000 by default), FUZZ_SEED replays a run (the
 * seed is printed at the start, and by fast-check with the shrunk case on a failure).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : crypto.randomInt(2 ** 31);

type Handler = (request: Request, context: unknown) => Promise<Response>;
type Answer = { status: number; json: Record<string, unknown> };

const admin = privateKeyToAccount(generatePrivateKey());

let db: TestDatabase;
let cookie = "";
let caller = 0;
const handlers = new Map<string, Handler>();

/** Every row written, updated or deleted in any table, by triggers this test adds. */
async function countWrites(): Promise<number> {
  return Number((await db.pool.query("SELECT n FROM fuzz_writes")).rows[0].n);
}

async function send(req: FuzzRequest): Promise<Answer> {
  const handler = handlers.get(`${req.route} ${req.method}`)!;
  return callRoute(handler, {
    method: req.method,
    from: `198.51.${(++caller >> 8) & 255}.${caller & 255}`,
    path: `/api/v1/x${req.query ? `?${req.query}` : ""}`,
    params: req.params,
    headers: { cookie, origin: TEST_ORIGIN },
    ...(req.body === undefined ? { contentType: null } : { rawBody: req.body }),
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  pointAppAtDatabase(db.url, {
    INGEST_RATE_LIMIT_PER_MINUTE: "100000000",
    ADMIN_ADDRESSES: admin.address,
  });
  for (const t of [...WRITES, ...READS]) {
    const mod = (await MODULES[t.module]!()) as Record<string, Handler>;
    const method = "method" in t ? t.method : "GET";
    handlers.set(`${t.module} ${method}`, mod[method]!);
  }
  cookie = await signIn(
    {
      nonce: await import("@/app/api/v1/auth/nonce/route"),
      signIn: await import("@/app/api/v1/auth/sign-in/route"),
    },
    admin,
  );
  await db.pool.query(`
    CREATE TABLE fuzz_writes (n bigint NOT NULL);
    INSERT INTO fuzz_writes VALUES (0);
    CREATE FUNCTION fuzz_count() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN UPDATE fuzz_writes SET n = n + 1; RETURN NULL; END $$;
    DO $$ DECLARE t text; BEGIN
      FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
                WHERE s.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
                  AND c.relname NOT IN ('fuzz_writes', '_prisma_migrations') LOOP
        EXECUTE format('CREATE TRIGGER fuzz_count AFTER INSERT OR UPDATE OR DELETE ON %I
                        FOR EACH ROW EXECUTE FUNCTION fuzz_count()', t);
      END LOOP;
    END $$;`);
  process.stdout.write(`fuzz: ${RUNS} runs, seed ${SEED} (replay with FUZZ_SEED=${SEED})\n`);
});
afterAll(async () => {
  await (await import("@/lib/db/client")).closeDb();
  await db?.close();
});

describe(`fuzzing every write route and query parameter (${RUNS} runs)`, () => {
  it("answers no hostile request with a 5xx, and a refused request writes nothing", async () => {
    const tally = new Map<string, number>();
    let writes = await countWrites();
    await fc.assert(
      fc.asyncProperty(anyRequest, async (req) => {
        // Requests run one at a time, so the count after the last one is the count before this.
        const before = writes;
        const res = await send(req);
        writes = await countWrites();
        const key = `${req.method} ${req.route} ${res.status}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
        expect(res.status, JSON.stringify(res.json)).toBeLessThan(500);
        if (res.status >= 400) expect(writes, `refused with ${res.status}, yet wrote`).toBe(before);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    const byStatus = [...tally].sort().map(([k, n]) => `${k}: ${n}`);
    process.stdout.write(`fuzz: answers by route and status\n  ${byStatus.join("\n  ")}\n`);
    expect([...tally.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(RUNS);
  });

  it("still links a good receipt into an inference after the run", async () => {
    // Signed by a registered enclave: only those make inferences (trust tiers).
    const enclave = await insertEnclave(db.pool, await insertRegistry(db.pool));
    const fields = {
      tee_id: enclave.teeId,
      tee_request_hash: crypto.randomBytes(32).toString("hex"),
      tee_output_hash: crypto.randomBytes(32).toString("hex"),
      tee_timestamp: 1_763_900_000,
    };
    const receipt = makeReceipt({
      ...fields,
      tee_signature: signTeeResponse({
        privateKeyPem: enclave.privateKeyPem,
        requestHash: `0x${fields.tee_request_hash}`,
        outputHash: `0x${fields.tee_output_hash}`,
        timestamp: String(fields.tee_timestamp),
      }),
    });
    const res = await callRoute(handlers.get("receipts/route POST")!, {
      body: receipt,
      from: "192.0.2.1",
    });
    expect(res.status).toBe(201);
    const { runLinker } = await import("@/lib/indexer/link");
    await runLinker(db.pool);
    const { rows } = await db.pool.query(
      "SELECT signature_status FROM inference WHERE output_hash = $1",
      [`0x${receipt.tee_output_hash}`],
    );
    expect(rows).toEqual([{ signature_status: "valid" }]);
  });
});
