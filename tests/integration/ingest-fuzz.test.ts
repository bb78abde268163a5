import crypto from "node:crypto";
import fc from "fast-check";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeReceipt } from "../fixtures/receipts";
import { signIn, TEST_ORIGIN } from "../helpers/auth";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { hostileQueryValue, hostileString, mutatedBody } from "../helpers/hostile";
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
const agent = privateKeyToAccount(generatePrivateKey());
const hash = () => `0x${crypto.randomBytes(32).toString("hex")}`;
const uuid = () => crypto.randomUUID();

let db: TestDatabase;
let cookie = "";
let caller = 0;
const handlers = new Map<string, Handler>();

/** A generated request: plain data, so fast-check can print and shrink it. */
interface FuzzRequest {
  route: string;
  method: string;
  params: Record<string, string>;
  query?: string;
  body?: string;
}

/** A write route: its module, method, session need, a valid body to mutate and its params. */
interface WriteTarget {
  module: string;
  method: "POST" | "PUT";
  template: unknown;
  params?: Record<string, fc.Arbitrary<string>>;
  weight: number;
}

/** A read route: its module, path params and the query parameters its schema reads. */
interface ReadTarget {
  module: string;
  query: string[];
  params?: Record<string, fc.Arbitrary<string>>;
}

/** The route modules, by path under app/api/v1 (a literal import each, for the bundler). */
const MODULES: Record<string, () => Promise<unknown>> = {
  "agent-actions/route": () => import("@/app/api/v1/agent-actions/route"),
  "audit/route": () => import("@/app/api/v1/audit/route"),
  "auth/sign-in/route": () => import("@/app/api/v1/auth/sign-in/route"),
  "disputes/[id]/bundle/route": () => import("@/app/api/v1/disputes/[id]/bundle/route"),
  "disputes/[id]/comments/route": () => import("@/app/api/v1/disputes/[id]/comments/route"),
  "disputes/[id]/incident/route": () => import("@/app/api/v1/disputes/[id]/incident/route"),
  "disputes/[id]/route": () => import("@/app/api/v1/disputes/[id]/route"),
  "disputes/[id]/status/route": () => import("@/app/api/v1/disputes/[id]/status/route"),
  "disputes/route": () => import("@/app/api/v1/disputes/route"),
  "findings/route": () => import("@/app/api/v1/findings/route"),
  "incidents/[id]/blast-radius/export/route": () =>
    import("@/app/api/v1/incidents/[id]/blast-radius/export/route"),
  "incidents/[id]/blast-radius/route": () =>
    import("@/app/api/v1/incidents/[id]/blast-radius/route"),
  "incidents/[id]/blast-radius/rows/route": () =>
    import("@/app/api/v1/incidents/[id]/blast-radius/rows/route"),
  "incidents/[id]/bundle/route": () => import("@/app/api/v1/incidents/[id]/bundle/route"),
  "incidents/[id]/route": () => import("@/app/api/v1/incidents/[id]/route"),
  "incidents/route": () => import("@/app/api/v1/incidents/route"),
  "incidents/statement/route": () => import("@/app/api/v1/incidents/statement/route"),
  "inferences/[id]/route": () => import("@/app/api/v1/inferences/[id]/route"),
  "inferences/route": () => import("@/app/api/v1/inferences/route"),
  "models/[model]/timeline/route": () => import("@/app/api/v1/models/[model]/timeline/route"),
  "outputs/[hash]/bundle/route": () => import("@/app/api/v1/outputs/[hash]/bundle/route"),
  "outputs/[hash]/route": () => import("@/app/api/v1/outputs/[hash]/route"),
  "receipts/route": () => import("@/app/api/v1/receipts/route"),
  "search/route": () => import("@/app/api/v1/search/route"),
  "share-links/[id]/revoke/route": () => import("@/app/api/v1/share-links/[id]/revoke/route"),
  "share-links/route": () => import("@/app/api/v1/share-links/route"),
  "users/[address]/role/route": () => import("@/app/api/v1/users/[address]/role/route"),
};

const idParam = fc.oneof(fc.constant(uuid()), hostileString);
const hashParam = fc.oneof(fc.constant(hash()), hostileString);

const WRITES: WriteTarget[] = [
  {
    module: "receipts/route",
    method: "POST",
    weight: 6,
    template: {
      ...makeReceipt(),
      request: {
        model: "openai/gpt-4.1",
        messages: [{ role: "user", content: "Hi" }],
        temperature: 1,
      },
      reply: "Paris.",
    },
  },
  {
    module: "receipts/route",
    method: "POST",
    weight: 2,
    template: { receipts: [makeReceipt(), makeReceipt()] },
  },
  {
    module: "agent-actions/route",
    method: "POST",
    weight: 4,
    template: {
      chainId: 8453,
      action: {
        agent: agent.address,
        kind: "onchain_tx",
        summary: "Bought 10 OPG",
        citedOutputs: [hash()],
        citedActions: [],
        txHash: hash(),
        occurredAt: "1763900000",
      },
      signature: `0x${"ab".repeat(65)}`,
    },
  },
  {
    module: "disputes/route",
    method: "POST",
    weight: 2,
    template: { outputHash: hash(), reason: "Wrong answer" },
  },
  {
    module: "disputes/[id]/comments/route",
    method: "POST",
    weight: 1,
    params: { id: idParam },
    template: { body: "A comment" },
  },
  {
    module: "disputes/[id]/status/route",
    method: "POST",
    weight: 1,
    params: { id: idParam },
    template: { status: "under_review", note: "Looking" },
  },
  {
    module: "disputes/[id]/incident/route",
    method: "PUT",
    weight: 1,
    params: { id: idParam },
    template: { incidentId: uuid(), note: "Linked" },
  },
  {
    module: "incidents/statement/route",
    method: "POST",
    weight: 2,
    template: {
      action: "declare",
      model: "llm:openai/gpt-4.1",
      badVersion: `pcr:${hash()}`,
      window: { kind: "time", from: "2026-01-01T00:00:00Z" },
      reason: "Rolled back",
      evidenceLinks: ["/o/0x00"],
      chainId: 10740,
    },
  },
  {
    module: "incidents/route",
    method: "POST",
    weight: 2,
    template: {
      statement: {
        domain: { name: "Provenance incident", version: "1", chainId: 10740 },
        message: { action: "declare", model: "llm:m", badVersion: `pcr:${hash()}`, nonce: hash() },
      },
      signature: `0x${"ab".repeat(65)}`,
    },
  },
  {
    module: "incidents/[id]/blast-radius/route",
    method: "POST",
    weight: 1,
    params: { id: idParam },
    template: {},
  },
  {
    module: "share-links/route",
    method: "POST",
    weight: 2,
    template: { scopeType: "output", scopeId: hash(), expiresInHours: 24 },
  },
  {
    module: "share-links/[id]/revoke/route",
    method: "POST",
    weight: 1,
    params: { id: idParam },
    template: {},
  },
  {
    module: "users/[address]/role/route",
    method: "PUT",
    weight: 1,
    params: {
      address: fc.oneof(
        fc.constant(privateKeyToAccount(generatePrivateKey()).address),
        hostileString,
      ),
    },
    template: { role: "auditor" },
  },
  {
    module: "auth/sign-in/route",
    method: "POST",
    weight: 1,
    template: { message: "localhost wants you to sign in", signature: "0x00" },
  },
];

const READS: ReadTarget[] = [
  {
    module: "inferences/route",
    query: [
      "model",
      "version",
      "from",
      "to",
      "status",
      "enclave",
      "payer",
      "agent",
      "cursor",
      "limit",
    ],
  },
  { module: "findings/route", query: ["kind", "status", "severity", "model", "cursor", "limit"] },
  { module: "search/route", query: ["q"] },
  {
    module: "models/[model]/timeline/route",
    params: { model: fc.oneof(fc.constant("openai/gpt-4.1"), hostileString) },
    query: ["from", "to", "bucket", "asOf", "version", "enclave", "status", "payer", "agent"],
  },
  {
    module: "disputes/route",
    query: ["status", "model", "openedBy", "mentions", "incident", "output", "cursor", "limit"],
  },
  { module: "incidents/route", query: ["status", "model"] },
  { module: "audit/route", query: ["before", "actor", "action", "limit"] },
  { module: "share-links/route", query: ["scopeType", "scopeId"] },
  {
    module: "incidents/[id]/blast-radius/rows/route",
    params: { id: idParam },
    query: ["part", "computation", "after", "limit"],
  },
  {
    module: "incidents/[id]/blast-radius/export/route",
    params: { id: idParam },
    query: ["format", "computation"],
  },
  { module: "inferences/[id]/route", params: { id: hostileString }, query: [] },
  { module: "outputs/[hash]/route", params: { hash: hashParam }, query: [] },
  { module: "outputs/[hash]/bundle/route", params: { hash: hashParam }, query: [] },
  { module: "incidents/[id]/route", params: { id: idParam }, query: [] },
  { module: "incidents/[id]/bundle/route", params: { id: idParam }, query: [] },
  { module: "disputes/[id]/route", params: { id: idParam }, query: [] },
  { module: "disputes/[id]/bundle/route", params: { id: idParam }, query: [] },
];

const paramsOf = (params: Record<string, fc.Arbitrary<string>> = {}) =>
  Object.keys(params).length ? fc.record(params) : fc.constant({});

function writeRequest(t: WriteTarget): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(paramsOf(t.params), mutatedBody(t.template))
    .map(([params, body]) => ({ route: t.module, method: t.method, params, body }));
}

function readRequest(t: ReadTarget): fc.Arbitrary<FuzzRequest> {
  const name = t.query.length
    ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...t.query) }, hostileQueryValue)
    : hostileQueryValue;
  const pairs = fc.array(fc.tuple(name, hostileQueryValue), { minLength: 1, maxLength: 3 });
  return fc.tuple(paramsOf(t.params), pairs).map(([params, q]) => ({
    route: t.module,
    method: "GET",
    params,
    query: q.map(([k, v]) => `${k}=${v}`).join("&"),
  }));
}

const anyRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  ...WRITES.map((t) => ({ weight: t.weight, arbitrary: writeRequest(t) })),
  ...READS.map((t) => ({ weight: 1, arbitrary: readRequest(t) })),
);

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
    const receipt = makeReceipt();
    const res = await callRoute(handlers.get("receipts/route POST")!, {
      body: receipt,
      from: "192.0.2.1",
    });
    expect(res.status).toBe(201);
    const { runLinker } = await import("@/lib/indexer/link");
    await runLinker(db.pool);
    const { rows } = await db.pool.query(
      "SELECT count(*)::int AS n FROM inference WHERE output_hash = $1",
      [`0x${receipt.tee_output_hash}`],
    );
    expect(rows[0].n).toBe(1);
  });
});
