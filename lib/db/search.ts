import "server-only";
import type { SearchHit, SearchResult } from "@/lib/api/schemas/search";
import { getPool } from "@/lib/db/client";
import { inferenceHref, modelHref, outputHref } from "@/lib/web/links";

const HASH32 = /^0x[0-9a-f]{64}$/;
const ADDRESS = /^0x[0-9a-f]{40}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LIMIT = 20;

/**
 * One box for everything: a 32-byte hash is tried as output hash, input hash, enclave id and
 * transaction hash; an address as payer, payee or agent; an id as inference, receipt or
 * on-chain request id; anything else as part of a model name. When every hit points at the
 * same page, `exact` is that page and the search page opens it directly.
 */
export async function searchEvidence(term: string): Promise<SearchResult> {
  const q = term.trim();
  // The gateway writes hashes without 0x; accept them as people paste them.
  const norm = /^(0x)?[0-9a-f]{64}$/i.test(q) ? `0x${q.replace(/^0x/i, "").toLowerCase()}` : q;
  const lower = norm.toLowerCase();
  let hits: SearchHit[];
  if (HASH32.test(lower)) hits = await searchHash(lower);
  else if (ADDRESS.test(lower)) hits = await searchAddress(lower);
  else hits = [...(await searchId(q)), ...(await searchModel(q))];
  const pages = new Set(hits.map((h) => h.href));
  const exact = pages.size === 1 && hits[0]?.href ? hits[0].href : null;
  return { q, exact, hits: hits.slice(0, LIMIT * 3) };
}

type Row = Record<string, string>;
const rows = async (sql: string, params: unknown[]) =>
  (await getPool().query<Row>(sql, params)).rows;

/** Every use of a 32-byte hash, in one statement (one round trip): kind plus up to three facts. */
const HASH_SQL = `
  SELECT 'output' AS kind, i.id AS a, m.name AS b, NULL AS c, NULL AS d
    FROM (SELECT id, model_id FROM inference WHERE output_hash = $1 LIMIT ${LIMIT}) i JOIN model m ON m.id = i.model_id
  UNION ALL
  SELECT 'input', i.id, m.name, NULL, NULL
    FROM (SELECT id, model_id FROM inference WHERE input_hash = $1 LIMIT ${LIMIT}) i JOIN model m ON m.id = i.model_id
  UNION ALL
  SELECT 'enclave', e.chain_id::text,
         (SELECT m.name FROM inference i JOIN model m ON m.id = i.model_id WHERE i.tee_id = $1 ORDER BY i.occurred_at DESC LIMIT 1),
         NULL, NULL
    FROM (SELECT DISTINCT chain_id FROM enclave WHERE tee_id = $1) e
  UNION ALL
  SELECT 'settlement', s.kind::text || ' settlement in block ' || s.block_number || ' on chain ' || s.chain_id
           || CASE WHEN s.orphaned_at IS NOT NULL THEN ', orphaned by a reorg' ELSE '' END,
         (SELECT min(i.id) FROM inference i WHERE i.settlement_id = s.id),
         (SELECT count(*)::text FROM inference i WHERE i.settlement_id = s.id), NULL
    FROM (SELECT * FROM settlement WHERE tx_hash = $1 LIMIT ${LIMIT}) s
  UNION ALL
  SELECT 'payment', 'payment of ' || p.value || ' OPG base units on chain ' || p.chain_id,
         (SELECT min(a.inference_id) FROM payment_allocation a WHERE a.payment_id = p.id), NULL, NULL
    FROM (SELECT * FROM payment WHERE tx_hash = $1 LIMIT ${LIMIT}) p
  UNION ALL
  SELECT 'receipt', r.model, to_char(to_timestamp(r.tee_timestamp) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
         CASE WHEN r.output_hash = $1 THEN 'output' WHEN r.request_hash = $1 THEN 'request' ELSE 'enclave' END, NULL
    FROM (SELECT * FROM receipt WHERE (output_hash = $1 OR request_hash = $1 OR tee_id = $1)
            AND NOT EXISTS (SELECT 1 FROM inference i WHERE i.receipt_id = receipt.id) LIMIT ${LIMIT}) r
  UNION ALL
  SELECT 'agent action', a.summary, NULL, NULL, NULL
    FROM (SELECT summary FROM agent_action WHERE content_key = $1 OR tx_hash = $1 LIMIT ${LIMIT}) a`;

async function searchHash(hash: string): Promise<SearchHit[]> {
  const found = await rows(HASH_SQL, [hash]);
  return found.map((r): SearchHit => {
    switch (r.kind) {
      case "output":
        return { kind: "output", label: hash, detail: `output of ${r.b}`, href: outputHref(hash) };
      case "input":
        return { kind: "input", label: r.a!, detail: `input to ${r.b}`, href: inferenceHref(r.a!) };
      case "enclave":
        return {
          kind: "enclave",
          label: hash,
          detail: r.b ? `enclave on chain ${r.a}, last serving ${r.b}` : `enclave on chain ${r.a}`,
          href: r.b ? modelHref(r.b, { enclave: hash }) : null,
        };
      case "settlement":
        return {
          kind: "settlement",
          label: hash,
          detail: `${r.a}, ${r.c} inference(s)`,
          href: r.b && r.c === "1" ? inferenceHref(r.b) : null,
        };
      case "payment":
        return {
          kind: "payment",
          label: hash,
          detail: r.a!,
          href: r.b ? inferenceHref(r.b) : null,
        };
      case "receipt":
        return {
          kind: "receipt",
          label: hash,
          detail: `${r.a}, signed at ${r.b} (${r.c}); stored, not linked by the indexer yet`,
          href: null,
        };
      default:
        return { kind: "agent action", label: hash, detail: r.a!, href: null };
    }
  });
}

async function searchAddress(address: string): Promise<SearchHit[]> {
  const [payers, payments, agents] = await Promise.all([
    rows(
      `SELECT m.name FROM model m WHERE EXISTS (SELECT 1 FROM inference i WHERE i.payer = $1 AND i.model_id = m.id)`,
      [address],
    ),
    rows(
      `SELECT count(*) FILTER (WHERE from_address = $1)::text AS paid, count(*) FILTER (WHERE to_address = $1)::text AS received
         FROM payment WHERE from_address = $1 OR to_address = $1`,
      [address],
    ),
    rows(`SELECT count(*)::text AS n FROM agent_action WHERE agent = $1`, [address]),
  ]);
  const hits: SearchHit[] = payers.map((r) => ({
    kind: "payer",
    label: address,
    detail: `paid for ${r.name}`,
    href: modelHref(r.name!, { payer: address }),
  }));
  const p = payments[0];
  if (p && (p.paid !== "0" || p.received !== "0")) {
    hits.push({
      kind: "payments",
      label: address,
      detail: `${p.paid} payment(s) sent, ${p.received} received`,
      href: null,
    });
  }
  if (agents[0] && agents[0].n !== "0") {
    hits.push({
      kind: "agent",
      label: address,
      detail: `${agents[0].n} signed agent action(s)`,
      href: null,
    });
  }
  return hits;
}

/** An inference id (inf_…, hub_…), a receipt id, or an on-chain request id. */
async function searchId(q: string): Promise<SearchHit[]> {
  if (q.length > 120) return [];
  const found = await rows(
    `SELECT i.id, m.name FROM inference i JOIN model m ON m.id = i.model_id
      WHERE i.id = $1 OR ($2::uuid IS NOT NULL AND i.receipt_id = $2::uuid)
         OR i.hub_event_id IN (SELECT h.id FROM hub_event h WHERE h.inference_id = $1)
      LIMIT ${LIMIT}`,
    [q, UUID.test(q.toLowerCase()) ? q.toLowerCase() : null],
  );
  return found.map((r) => ({
    kind: "inference",
    label: r.id!,
    detail: `inference of ${r.name}`,
    href: inferenceHref(r.id!),
  }));
}

async function searchModel(q: string): Promise<SearchHit[]> {
  const found = await rows(
    `SELECT name, kind FROM model WHERE name = $1 OR name ILIKE '%' || $2 || '%' ORDER BY name = $1 DESC, name LIMIT ${LIMIT}`,
    [q, q.replace(/[\\%_]/g, (c) => `\\${c}`)],
  );
  const exact = found.filter(
    (r) => r.name === q || r.name!.toLowerCase() === `llm:${q.toLowerCase()}`,
  );
  return (exact.length === 1 ? exact : found).map((r) => ({
    kind: "model",
    label: r.name!,
    detail: `${r.kind} model`,
    href: modelHref(r.name!),
  }));
}
