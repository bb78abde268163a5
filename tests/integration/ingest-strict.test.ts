import crypto from "node:crypto";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentActionTypedData, type AgentActionMessage } from "@/lib/evidence/agent-action";
import { makeReceipt } from "../fixtures/receipts";
import { createTestDatabase, type TestDatabase } from "../helpers/db";
import { insertEnclave, insertRegistry } from "../helpers/linker-fixtures";
import { callGet, callRoute, pointAppAtDatabase } from "../helpers/route";
import { nothingWritten } from "../helpers/writes";

type Handler = (request: Request, context: never) => Promise<Response>;

let db: TestDatabase;
let receipts: Handler;
let actions: Handler;
let caller = 0;
const from = () => `198.51.100.${++caller % 250}`;
const expectNothingWritten = nothingWritten(async () => {
  const { rows } = await db.pool.query(
    `SELECT (SELECT count(*) FROM receipt)::int AS receipts,
            (SELECT count(*) FROM agent_action)::int AS actions,
            (SELECT count(*) FROM inference)::int AS inferences`,
  );
  return rows[0];
});
const postReceipt = (body: unknown) => callRoute(receipts, { from: from(), body });
const postReceiptText = (rawBody: string) => callRoute(receipts, { from: from(), rawBody });

beforeAll(async () => {
  db = await createTestDatabase();
  pointAppAtDatabase(db.url, { INGEST_RATE_LIMIT_PER_MINUTE: "100000" });
  ({ POST: receipts } = await import("@/app/api/v1/receipts/route"));
  ({ POST: actions } = await import("@/app/api/v1/agent-actions/route"));
});
afterAll(async () => {
  await (await import("@/lib/db/client")).closeDb();
  await db?.close();
});

const good = crypto.randomBytes(256).toString("base64");
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
/** The same 256 bytes, spelled with non-zero bits before the padding (not canonical). */
const nonCanonical = `${good.slice(0, -3)}${ALPHABET[(ALPHABET.indexOf(good.at(-3)!) & 0b110000) | 1]}==`;
const b64 = (n: number) => crypto.randomBytes(n).toString("base64");

/** Signatures the linker's decode(…, 'base64') or the verifier would fail on, or not RSA-2048. */
const BAD_SIGNATURES: [string, unknown][] = [
  ["one character", "A"],
  ["0x", "0x"],
  ["a bad padding", "QUJD="],
  ["empty", ""],
  ["padding only", "===="],
  ["three pads", "A==="],
  ["two characters and one pad", "AB="],
  ["three characters, unpadded", "ABC"],
  ["too much padding", "QUJD=="],
  ["a short valid base64", "QUI="],
  ["base64url alphabet", good.replace(/\+/g, "-").replace(/\//g, "_").replace(/^./, "-")],
  ["padding left off", good.replace(/=+$/, "")],
  ["an extra pad", `${good}=`],
  ["a space inside", `${good.slice(0, 100)} ${good.slice(100)}`],
  ["MIME line breaks", good.replace(/(.{76})/g, "$1\n")],
  ["a trailing newline", `${good}\n`],
  ["a leading space", ` ${good}`],
  ["non-zero padding bits", nonCanonical],
  ["255 bytes", b64(255)],
  ["257 bytes", b64(257)],
  ["128 bytes (RSA-1024)", b64(128)],
  ["512 bytes (RSA-4096)", b64(512)],
  ["hex of 256 bytes", crypto.randomBytes(256).toString("hex")],
  ["0x-hex of 256 bytes", `0x${crypto.randomBytes(256).toString("hex")}`],
  ["full-width letters", "ＱＵＪＤ"],
  ["a NUL inside", `${good.slice(0, 10)}\u0000${good.slice(11)}`],
  ["padding in the middle", `QQ==${good.slice(4)}`],
  ["two signatures glued", `${good}${good}`],
  ["a data URI", `data:;base64,${good}`],
  ["percent-encoded", encodeURIComponent(good)],
  ["the word null", "null"],
  ["over 4096 characters", "A".repeat(5000)],
  ["a number", 12345],
  ["null", null],
  ["true", true],
  ["an array", [good]],
  ["an object", { base64: good }],
  ["an unpaired surrogate", `${good.slice(0, 10)}\ud800${good.slice(11)}`],
];

describe("strict at the door: tee_signature", () => {
  it.each(BAD_SIGNATURES)(
    "refuses a signature that is %s with 422 naming the field, and writes nothing",
    async (_label, signature) => {
      await expectNothingWritten(
        () => postReceipt(makeReceipt({ tee_signature: signature })),
        422,
        /^tee_signature: /,
      );
    },
  );

  it("names the item in a batch, and writes none of the batch", async () => {
    const batch = [makeReceipt(), makeReceipt(), makeReceipt({ tee_signature: "QUJD=" })];
    await expectNothingWritten(
      () => postReceipt({ receipts: batch }),
      422,
      /^receipts\[2\]\.tee_signature: must be the base64 RSA-PSS signature/,
    );
  });

  it("accepts a canonical 256-byte signature, and a linker pass then links it", async () => {
    // From a registered enclave: only those make inferences (trust tiers). The bytes are not
    // its signature, so the inference is marked invalid, but the pass decodes and links it.
    const enclave = await insertEnclave(db.pool, await insertRegistry(db.pool));
    const receipt = makeReceipt({ tee_signature: good, tee_id: enclave.teeId });
    expect((await postReceipt(receipt)).status).toBe(201);
    const { runLinker } = await import("@/lib/indexer/link");
    await runLinker(db.pool);
    const { rows } = await db.pool.query("SELECT signature FROM inference WHERE output_hash = $1", [
      `0x${receipt.tee_output_hash}`,
    ]);
    expect(rows).toEqual([{ signature: `0x${Buffer.from(good, "base64").toString("hex")}` }]);
  });
});

/** `1e999` (Infinity to JSON.parse) in each place a receipt carries a value. */
const OVERFLOWS: [string, (text: string) => string, RegExp][] = [
  [
    "tee_timestamp",
    (t) => t.replace(/"tee_timestamp": ?\d+/, '"tee_timestamp": 1e999'),
    /^tee_timestamp: /,
  ],
  [
    "a negative tee_timestamp",
    (t) => t.replace(/"tee_timestamp": ?\d+/, '"tee_timestamp": -1e999'),
    /^tee_timestamp: /,
  ],
  [
    "tee_signature",
    (t) => t.replace(/"tee_signature": ?"[^"]*"/, '"tee_signature": 1e999'),
    /^tee_signature: /,
  ],
  ["model", (t) => t.replace(/"model": ?"[^"]*"/, '"model": 1e999'), /^model: /],
  ["payer", (t) => t.replace(/"payer": ?"[^"]*"/, '"payer": 1e999'), /^payer: /],
  [
    "x402_session",
    (t) => t.replace(/"x402_session": ?"[^"]*"/, '"x402_session": 1e999'),
    /^x402_session: /,
  ],
  ["reply", (t) => t.replace(/}$/, ', "reply": 1e999}'), /^reply: /],
  [
    "request.temperature",
    (t) => t.replace(/}$/, ', "request": {"model": "m", "temperature": 1e999}}'),
    /^request\.temperature: /,
  ],
  [
    "a tool schema deep inside request",
    (t) =>
      t.replace(
        /}$/,
        ', "request": {"tools": [{"function": {"parameters": {"minimum": 1e999}}}]}}',
      ),
    /^request\.tools\[0\]\.function\.parameters\.minimum: /,
  ],
  [
    "an integer of 400 digits inside request",
    (t) => t.replace(/}$/, `, "request": {"seed": 1${"0".repeat(400)}}}`),
    /^request\.seed: /,
  ],
  [
    "a kept field (choices)",
    (t) => t.replace(/"index": ?0/, '"index": 1E+999'),
    /^choices\[0\]\.index: /,
  ],
  [
    "an unknown field",
    (t) => t.replace(/}$/, ', "usage": {"total_tokens": 1e999}}'),
    /^usage\.total_tokens: /,
  ],
];

describe("strict at the door: numbers", () => {
  it.each(OVERFLOWS)(
    "answers 422, not 500, for 1e999 in %s, and writes nothing",
    async (_l, edit, message) => {
      const text = edit(JSON.stringify(makeReceipt()));
      expect(text).toMatch(/1e\+?999|1E\+999|1000000000/);
      await expectNothingWritten(() => postReceiptText(text), 422, message);
    },
  );

  it("names the item when the overflow is inside a batch", async () => {
    const batch = JSON.stringify({ receipts: [makeReceipt(), makeReceipt()] });
    const at = batch.lastIndexOf('"tee_timestamp":');
    const text = `${batch.slice(0, at)}${batch.slice(at).replace(/^"tee_timestamp":\d+/, '"tee_timestamp":1e999')}`;
    await expectNothingWritten(() => postReceiptText(text), 422, /^receipts\[1\]\.tee_timestamp: /);
  });

  it.each([
    ["before 2020", 1_500_000_000],
    ["in 2100", 4_102_444_800],
    ["as a decimal string in 2200", "7258118400"],
  ])("refuses a tee_timestamp %s", async (_label, tee_timestamp) => {
    await expectNothingWritten(
      () => postReceipt(makeReceipt({ tee_timestamp })),
      422,
      /^tee_timestamp: must be unix seconds between 2020-01-01 and 2100-01-01/,
    );
  });
});

describe("strict at the door: text", () => {
  it.each([
    ["model", { model: "openai/gpt-4.1\u0000" }, /^model: .*NUL/],
    ["model", { model: "openai/gpt-4.1\n" }, /^model: .*control character, U\+000A/],
    ["model", { model: "gpt\u0085" }, /^model: .*U\+0085/],
    ["x402_session", { x402_session: "s\u0007" }, /^x402_session: .*U\+0007/],
    ["x402_session", { x402_session: "s\u007f" }, /^x402_session: .*U\+007F/],
    ["reply", { reply: "Paris\u001b[31m" }, /^reply: .*U\+001B/],
  ])("refuses a control character in %s", async (_field, override, message) => {
    await expectNothingWritten(() => postReceipt(makeReceipt(override)), 422, message);
  });

  it("keeps line breaks and tabs in a reply", async () => {
    const res = await postReceipt(makeReceipt({ reply: "Line one\n\tLine two\r\n" }));
    expect(res.status).toBe(201);
  });
});

describe("strict at the door: agent actions", () => {
  const agent = privateKeyToAccount(generatePrivateKey());
  const hash = () => `0x${crypto.randomBytes(32).toString("hex")}` as Hex;
  async function signedBody(overrides: Partial<AgentActionMessage>) {
    const message: AgentActionMessage = {
      agent: agent.address,
      kind: "onchain_tx",
      summary: "Bought 10 OPG",
      citedOutputs: [hash()],
      citedActions: [],
      txHash: hash(),
      occurredAt: 1_763_900_000n,
      ...overrides,
    };
    const signature = await agent.signTypedData(agentActionTypedData(8453, message));
    return {
      chainId: 8453,
      action: { ...message, occurredAt: message.occurredAt.toString() },
      signature,
    };
  }
  const post = (rawBody: string) => callRoute(actions, { from: from(), rawBody });

  it("refuses a control character in the summary, naming the field", async () => {
    const body = await signedBody({ summary: "Bought\u0007 10 OPG" });
    await expectNothingWritten(
      () => post(JSON.stringify(body)),
      422,
      /^action\.summary: .*U\+0007/,
    );
  });

  it("refuses an occurredAt outside 2020 to 2100", async () => {
    const body = await signedBody({ occurredAt: 4_200_000_000n });
    await expectNothingWritten(
      () => post(JSON.stringify(body)),
      422,
      /^action\.occurredAt: must be unix seconds between 2020-01-01 and 2100-01-01/,
    );
  });

  it.each([
    ["chainId", (t: string) => t.replace(/"chainId":8453/, '"chainId":1e999'), /^chainId: /],
    [
      "occurredAt",
      (t: string) => t.replace(/"occurredAt":"\d+"/, '"occurredAt":1e999'),
      /^action\.occurredAt: /,
    ],
    ["an unknown field", (t: string) => t.replace(/}$/, ',"x":-1e999}'), /^x: /],
  ])("answers 422, not 500, for 1e999 in %s", async (_l, edit, message) => {
    const text = edit(JSON.stringify(await signedBody({})));
    expect(text).toMatch(/1e999/);
    await expectNothingWritten(() => post(text), 422, message);
  });
});

describe("strict at the door: query and path parameters", () => {
  type Get = Parameters<typeof callGet>[0];
  let routes: Record<string, Get>;
  beforeAll(async () => {
    routes = {
      inferences: (await import("@/app/api/v1/inferences/route")).GET as Get,
      findings: (await import("@/app/api/v1/findings/route")).GET as Get,
      search: (await import("@/app/api/v1/search/route")).GET as Get,
      timeline: (await import("@/app/api/v1/models/[model]/timeline/route")).GET as Get,
      disputes: (await import("@/app/api/v1/disputes/route")).GET as Get,
      incidents: (await import("@/app/api/v1/incidents/route")).GET as Get,
      inference: (await import("@/app/api/v1/inferences/[id]/route")).GET as Get,
      incident: (await import("@/app/api/v1/incidents/[id]/route")).GET as Get,
      dispute: (await import("@/app/api/v1/disputes/[id]/route")).GET as Get,
      outputBundle: (await import("@/app/api/v1/outputs/[hash]/bundle/route")).GET as Get,
    };
  });

  it.each([
    ["inferences", "/api/v1/inferences?model=%00", /^model: .*NUL/],
    ["inferences", "/api/v1/inferences?version=a%01b", /^version: .*U\+0001/],
    ["findings", "/api/v1/findings?model=%00", /^model: .*NUL/],
    ["search", "/api/v1/search?q=%00", /^q: .*NUL/],
    ["search", "/api/v1/search?q=gpt%7F", /^q: .*U\+007F/],
    ["timeline", "/api/v1/models/m/timeline?version=%00", /^version: .*NUL/],
    ["disputes", "/api/v1/disputes?q=%00", /: .*NUL/],
    ["incidents", "/api/v1/incidents?status=%00", /^status: .*NUL/],
  ])(
    "answers 422 naming the parameter for a NUL or control character (%s)",
    async (name, path, message) => {
      const res = await callGet(routes[name]!, path, { model: "m" });
      expect(res.status, JSON.stringify(res.json)).toBe(422);
      expect(res.json.message).toMatch(message);
    },
  );

  it.each([
    ["inference", { id: "%00" }, 422, /^id: .*NUL/],
    ["timeline", { model: "gpt%00" }, 422, /^model: .*NUL/],
    ["incident", { id: "%E0%A4%A" }, 422, /^id: is not valid percent-encoding/],
    ["dispute", { id: "%" }, 422, /^id: is not valid percent-encoding/],
    ["outputBundle", { hash: "%ZZ" }, 422, /^hash: is not valid percent-encoding/],
    ["inference", { id: "%E0%A4%A" }, 404, /./],
    ["timeline", { model: "%ZZ" }, 404, /./],
  ])(
    "answers 4xx for a path parameter that is %j, never 500",
    async (name, params, status, message) => {
      const res = await callGet(routes[name]!, "/api/v1/x", params as Record<string, string>);
      expect(res.status, JSON.stringify(res.json)).toBe(status);
      expect(res.json.message).toMatch(message);
    },
  );
});
