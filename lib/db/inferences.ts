import "server-only";
import { invalidField, notFound } from "@/lib/api/errors";
import type {
  InferenceDetail,
  InferenceListQuery,
  InferencePage,
  OutputProvenance,
} from "@/lib/api/schemas/inferences";
import { encodeCursor } from "@/lib/api/schemas/query";
import { getPool, getPrisma } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/generated/client";
import { loadDownstream } from "@/lib/db/downstream";
import { filterConditions, resolveVersionIds, type SqlFilter } from "@/lib/db/inference-filters";

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/**
 * A page of inferences, newest first, by (occurred_at, id) keyset: stable while new rows
 * arrive, and an index range scan however deep the page.
 */
export async function listInferences(q: InferenceListQuery): Promise<InferencePage> {
  const sql: SqlFilter = { where: [], params: [] };
  const param = (v: unknown) => {
    sql.params.push(v);
    return `$${sql.params.length}`;
  };
  let versionIds: string[] | undefined;
  if (q.model) {
    const model = await getPrisma().model.findUnique({ where: { name: q.model } });
    if (!model) throw invalidField("model", `there is no model named "${q.model}"`);
    sql.where.push(`i.model_id = ${param(model.id)}`);
    if (q.version) versionIds = await resolveVersionIds(model.id, q.version);
  } else if (q.version) {
    throw invalidField("version", "needs a model: versions are named within a model");
  }
  filterConditions(sql, "i", { ...q, versionIds });
  if (q.from) sql.where.push(`i.occurred_at >= ${param(q.from)}`);
  if (q.to) sql.where.push(`i.occurred_at < ${param(q.to)}`);
  if (q.cursor) {
    sql.where.push(`(i.occurred_at, i.id) < (${param(q.cursor.at)}, ${param(q.cursor.id)})`);
  }
  const { rows } = await getPool().query<{
    id: string;
    model: string;
    version: string | null;
    occurred_at: Date;
    tee_id: string | null;
    input_hash: string;
    output_hash: string;
    signature_status: string;
    settled: boolean;
    orphaned: boolean;
    paid: string | null;
    open_findings: number;
  }>(
    `SELECT i.id, m.name AS model, mv.label AS version, i.occurred_at, i.tee_id, i.input_hash, i.output_hash,
            i.signature_status::text, (i.settlement_id IS NOT NULL OR i.batch_leaf_id IS NOT NULL) AS settled,
            i.orphaned_at IS NOT NULL AS orphaned,
            (SELECT sum(a.amount)::text FROM payment_allocation a WHERE a.inference_id = i.id) AS paid,
            (SELECT count(*)::int FROM finding f WHERE f.inference_id = i.id AND f.resolved_at IS NULL) AS open_findings
       FROM (SELECT * FROM inference i ${sql.where.length ? `WHERE ${sql.where.join(" AND ")}` : ""}
              ORDER BY i.occurred_at DESC, i.id DESC LIMIT ${q.limit + 1}) i
       JOIN model m ON m.id = i.model_id
       LEFT JOIN model_version mv ON mv.id = i.model_version_id
      ORDER BY i.occurred_at DESC, i.id DESC`,
    sql.params,
  );
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      model: r.model,
      version: r.version,
      occurredAt: r.occurred_at.toISOString(),
      teeId: r.tee_id,
      inputHash: r.input_hash,
      outputHash: r.output_hash,
      signatureStatus: r.signature_status,
      settled: r.settled,
      orphaned: r.orphaned,
      paid: r.paid,
      openFindings: r.open_findings,
    })),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.occurred_at, last.id) : null,
  };
}

/** The provenance card of one inference; 404 when there is none with that id. */
export async function getInferenceOrThrow(id: string): Promise<InferenceDetail> {
  const detail = await loadInference({ id });
  if (!detail[0]) {
    throw notFound(`There is no inference "${id}"; search by output hash at /api/v1/search?q=…`);
  }
  return detail[0];
}

/** Every inference that produced this output (usually one); 404 when none did. */
export async function getOutputOrThrow(outputHash: string): Promise<OutputProvenance> {
  const inferences = await loadInference({ outputHash });
  if (inferences.length === 0) {
    throw notFound(
      `No indexed inference produced output ${outputHash}. It may not be indexed yet, or the hash may be wrong.`,
    );
  }
  return { outputHash, inferences };
}

const INCLUDE = {
  model: true,
  modelVersion: true,
  settlement: true,
  batchLeaf: true,
  hubEvent: true,
  allocations: { include: { payment: true }, orderBy: { createdAt: "asc" } },
  findings: { orderBy: { detectedAt: "asc" } },
} satisfies Prisma.InferenceInclude;
type LoadedInference = Prisma.InferenceGetPayload<{ include: typeof INCLUDE }>;

async function loadInference(where: { id: string } | { outputHash: string }) {
  const rows = await getPrisma().inference.findMany({
    where,
    take: 20,
    orderBy: { occurredAt: "asc" },
    include: INCLUDE,
  });
  return Promise.all(rows.map(toDetail));
}

const chainRef = (r: {
  chainId: number;
  blockNumber: bigint;
  blockHash: string;
  txHash: string;
  logIndex: number;
  orphanedAt: Date | null;
}) => ({
  chainId: r.chainId,
  blockNumber: r.blockNumber.toString(),
  blockHash: r.blockHash,
  txHash: r.txHash,
  logIndex: r.logIndex,
  orphanedAt: iso(r.orphanedAt),
});

async function toDetail(i: LoadedInference): Promise<InferenceDetail> {
  const db = getPrisma();
  const [deployment, enclave, orphanedSettlements, downstream] = await Promise.all([
    i.modelVersionId
      ? db.deployment.findFirst({
          where: { modelVersionId: i.modelVersionId, supersededAt: null },
          orderBy: { validFrom: "asc" },
        })
      : null,
    i.teeId
      ? db.enclave.findFirst({
          where: { teeId: i.teeId },
          orderBy: [{ orphanedAt: { sort: "desc", nulls: "first" } }, { blockNumber: "asc" }],
        })
      : null,
    orphanedEvidence(i),
    loadDownstream(i.outputHash),
  ]);
  const live =
    deployment === null
      ? null
      : deployment.validFrom <= i.occurredAt &&
        (deployment.validTo === null || i.occurredAt < deployment.validTo);
  const s = i.settlement;
  const hubOrphan = i.orphanedAt && i.hubEvent;
  return {
    id: i.id,
    model: { name: i.model.name, kind: i.model.kind },
    version: i.modelVersion
      ? { id: i.modelVersion.id, label: i.modelVersion.label, key: i.modelVersion.key }
      : null,
    liveAtTime: live,
    deployment: deployment
      ? {
          from: deployment.validFrom.toISOString(),
          to: iso(deployment.validTo),
          basis: deployment.basis,
        }
      : null,
    occurredAt: i.occurredAt.toISOString(),
    recordedAt: i.createdAt.toISOString(),
    enclave: i.teeId
      ? {
          teeId: i.teeId,
          chainId: enclave?.chainId ?? null,
          endpoint: enclave?.endpoint ?? null,
          pcrHash: enclave?.pcrHash ?? null,
          enabled: enclave?.enabled ?? null,
        }
      : null,
    inputHash: i.inputHash,
    outputHash: i.outputHash,
    signature: i.signature,
    signatureStatus: i.signatureStatus,
    verificationReason: i.verificationReason,
    receiptId: i.receiptId,
    sessionId: i.sessionId,
    payer: i.payer,
    settlement: s
      ? {
          ...chainRef(s),
          id: s.id,
          kind: s.kind,
          batch: i.batchLeaf
            ? {
                leafIndex: i.batchLeaf.leafIndex,
                merkleRoot: s.merkleRoot,
                proofValid: i.batchLeaf.proofValid,
                proof: i.batchLeaf.proof,
              }
            : null,
        }
      : null,
    orphanedSettlements,
    orphaned: hubOrphan
      ? {
          at: i.orphanedAt!.toISOString(),
          chainId: i.hubEvent!.chainId,
          blockNumber: i.hubEvent!.blockNumber.toString(),
        }
      : null,
    payments: i.allocations.map((a) => ({
      ...chainRef(a.payment),
      id: a.payment.id,
      from: a.payment.fromAddress,
      to: a.payment.toAddress,
      value: a.payment.value.toFixed(0),
      allocated: a.amount.toFixed(0),
      method: a.method,
    })),
    findings: i.findings.map((f) => ({
      id: f.id,
      kind: f.kind,
      severity: f.severity,
      message: f.message,
      detectedAt: f.detectedAt.toISOString(),
      resolvedAt: iso(f.resolvedAt),
    })),
    downstream,
  };
}

/** Settlements and batch leaves of the same hashes that a reorg orphaned. */
async function orphanedEvidence(i: LoadedInference) {
  if (!i.teeId) return [];
  const { rows } = await getPool().query<{
    chain_id: number;
    block_number: string;
    block_hash: string;
    tx_hash: string;
    log_index: number;
    orphaned_at: Date;
  }>(
    `SELECT chain_id, block_number::text, block_hash, tx_hash, log_index, orphaned_at FROM settlement
      WHERE output_hash = $1 AND input_hash = $2 AND tee_id = $3 AND orphaned_at IS NOT NULL
     UNION ALL
     SELECT chain_id, block_number::text, block_hash, tx_hash, log_index, orphaned_at FROM batch_leaf
      WHERE output_hash = $1 AND input_hash = $2 AND tee_id = $3 AND orphaned_at IS NOT NULL
      ORDER BY 2`,
    [i.outputHash, i.inputHash, i.teeId],
  );
  return rows.map((r) => ({
    chainId: r.chain_id,
    blockNumber: r.block_number,
    blockHash: r.block_hash,
    txHash: r.tx_hash,
    logIndex: r.log_index,
    orphanedAt: r.orphaned_at.toISOString(),
  }));
}
