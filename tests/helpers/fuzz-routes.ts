import crypto from "node:crypto";
import fc from "fast-check";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { makeReceipt } from "../fixtures/receipts";
import { hostileQueryValue, hostileString, mutatedBody } from "./hostile";

/**
 * The routes the fuzz suite (tests/integration/ingest-fuzz.test.ts) sends hostile requests
 * to: every write route with a valid body to mutate, every read route with the query
 * parameters its schema reads and its path parameters.
 */

const agent = privateKeyToAccount(generatePrivateKey());
const hash = () => `0x${crypto.randomBytes(32).toString("hex")}`;
const uuid = () => crypto.randomUUID();

/** A generated request: plain data, so fast-check can print and shrink it. */
export interface FuzzRequest {
  route: string;
  method: string;
  params: Record<string, string>;
  query?: string;
  body?: string;
}

/** A write route: its module and method, a valid body to mutate, its params, its share of runs. */
export interface WriteTarget {
  module: string;
  method: "POST" | "PUT";
  template: unknown;
  params?: Record<string, fc.Arbitrary<string>>;
  weight: number;
}

/** A read route: its module, path params and the query parameters its schema reads. */
export interface ReadTarget {
  module: string;
  query: string[];
  params?: Record<string, fc.Arbitrary<string>>;
}

/** The route modules, by path under app/api/v1 (a literal import each, for the bundler). */
export const MODULES: Record<string, () => Promise<unknown>> = {
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

export const WRITES: WriteTarget[] = [
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

export const READS: ReadTarget[] = [
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

export const anyRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  ...WRITES.map((t) => ({ weight: t.weight, arbitrary: writeRequest(t) })),
  ...READS.map((t) => ({ weight: 1, arbitrary: readRequest(t) })),
);
