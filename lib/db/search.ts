import "server-only";
import { getPrisma } from "@/lib/db/client";

export interface SearchHit {
  kind: string;
  label: string;
  detail: string;
}

const HASH32 = /^0x[0-9a-f]{64}$/;
const ADDRESS = /^0x[0-9a-f]{40}$/;
const LIMIT = 20;

/**
 * Exact look-up of one search term across the evidence: a 32-byte hash is tried as output
 * hash, input hash, enclave id and transaction hash; an address as payer, payee or agent;
 * anything else as part of a model name. Hashes are matched lower-case, as stored.
 */
export async function searchEvidence(term: string): Promise<SearchHit[]> {
  const q = term.trim();
  // The gateway writes hashes without 0x; accept them as people paste them.
  const lower = /^[0-9a-f]{64}$/i.test(q) ? `0x${q.toLowerCase()}` : q.toLowerCase();
  if (!q) return [];
  if (HASH32.test(lower)) return searchHash(lower);
  if (ADDRESS.test(lower)) return searchAddress(lower);
  const models = await getPrisma().model.findMany({
    where: { name: { contains: q, mode: "insensitive" } },
    take: LIMIT,
    orderBy: { name: "asc" },
  });
  return models.map((m) => ({ kind: "model", label: m.name, detail: `${m.kind} model` }));
}

async function searchHash(hash: string): Promise<SearchHit[]> {
  const db = getPrisma();
  const [byOutput, byInput, enclaves, settlements, payments, receipts, actions] = await Promise.all(
    [
      db.inference.findMany({ where: { outputHash: hash }, take: LIMIT, include: { model: true } }),
      db.inference.findMany({ where: { inputHash: hash }, take: LIMIT, include: { model: true } }),
      db.enclave.findMany({ where: { teeId: hash }, take: LIMIT }),
      db.settlement.findMany({ where: { txHash: hash }, take: LIMIT }),
      db.payment.findMany({ where: { txHash: hash }, take: LIMIT }),
      db.receipt.findMany({
        where: { OR: [{ outputHash: hash }, { requestHash: hash }, { teeId: hash }] },
        take: LIMIT,
        orderBy: { teeTimestamp: "desc" },
      }),
      db.agentAction.findMany({
        where: { OR: [{ contentKey: hash }, { txHash: hash }] },
        take: LIMIT,
      }),
    ],
  );
  return [
    ...receipts.map((r) => ({
      kind: "receipt",
      label: r.id,
      detail: `${r.model}, signed at ${new Date(Number(r.teeTimestamp) * 1000).toISOString()}${r.outputHash === hash ? " (output)" : r.requestHash === hash ? " (request)" : " (enclave)"}`,
    })),
    ...actions.map((a) => ({ kind: "agent action", label: a.contentKey, detail: a.summary })),
    ...byOutput.map((i) => ({ kind: "output", label: i.id, detail: `output of ${i.model.name}` })),
    ...byInput.map((i) => ({ kind: "input", label: i.id, detail: `input to ${i.model.name}` })),
    ...enclaves.map((e) => ({
      kind: "enclave",
      label: e.teeId,
      detail: `enclave on chain ${e.chainId}`,
    })),
    ...settlements.map((s) => ({
      kind: "settlement",
      label: s.txHash,
      detail: `${s.kind} settlement, block ${s.blockNumber}`,
    })),
    ...payments.map((p) => ({
      kind: "payment",
      label: p.txHash,
      detail: `payment of ${p.value.toString()} base units`,
    })),
  ];
}

async function searchAddress(address: string): Promise<SearchHit[]> {
  const db = getPrisma();
  const [payments, actions] = await Promise.all([
    db.payment.findMany({
      where: { OR: [{ fromAddress: address }, { toAddress: address }] },
      take: LIMIT,
      orderBy: { occurredAt: "desc" },
    }),
    db.agentAction.findMany({
      where: { agent: address },
      take: LIMIT,
      orderBy: { occurredAt: "desc" },
    }),
  ]);
  return [
    ...payments.map((p) => ({
      kind: "payment",
      label: p.txHash,
      detail: p.fromAddress === address ? "paid by this address" : "paid to this address",
    })),
    ...actions.map((a) => ({ kind: "agent action", label: a.id, detail: a.summary })),
  ];
}
