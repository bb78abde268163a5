import "server-only";
import { notFound } from "@/lib/api/errors";
import type { ModelList } from "@/lib/api/schemas/models";
import { getPool, getPrisma } from "@/lib/db/client";

/**
 * "Now" for the evidence: the wall clock, or the newest indexed block's time when a chain's
 * clock runs ahead of it (a devnet whose story was played into the future).
 */
export async function evidenceNow(): Promise<Date> {
  const { rows } = await getPool().query<{ t: Date | null }>(
    "SELECT max(timestamp) AS t FROM block WHERE orphaned_at IS NULL",
  );
  const chain = rows[0]?.t?.getTime() ?? 0;
  return new Date(Math.max(Date.now(), chain));
}

/**
 * Every model with its versions (and which are live now), recent traffic and open findings.
 * A look-alike of a known model (model_lookalike) is left out: it is a finding, not a model.
 */
export async function listModels(now?: Date): Promise<ModelList> {
  const at = now ?? (await evidenceNow());
  const { rows } = await getPool().query<{
    name: string;
    kind: string;
    versions: { id: string; label: string; key: string; inferences: number; live: boolean }[];
    requests_24h: number;
    inferences: number;
    open_findings: number;
    last_at: Date | null;
  }>(
    `SELECT m.name, m.kind,
            COALESCE((SELECT jsonb_agg(jsonb_build_object('id', mv.id, 'label', mv.label, 'key', mv.key,
                        'inferences', (SELECT COALESCE(sum(r.requests), 0) FROM inference_rollup r
                                        WHERE r.model_version_id = mv.id AND NOT r.orphaned),
                        'live', EXISTS (SELECT 1 FROM deployment d WHERE d.model_version_id = mv.id
                                          AND d.superseded_at IS NULL AND d.valid_from <= $1
                                          AND (d.valid_to IS NULL OR d.valid_to > $1)))
                        ORDER BY mv.created_at, mv.label)
                        FROM model_version mv WHERE mv.model_id = m.id), '[]') AS versions,
            (SELECT COALESCE(sum(r.requests), 0)::int FROM inference_rollup r
              WHERE r.model_id = m.id AND NOT r.orphaned AND r.hour >= date_trunc('hour', $1::timestamptz - interval '24 hours', 'UTC')
                AND r.hour <= $1) AS requests_24h,
            (SELECT COALESCE(sum(r.requests), 0)::int FROM inference_rollup r
              WHERE r.model_id = m.id AND NOT r.orphaned) AS inferences,
            (SELECT count(*)::int FROM finding f WHERE f.model_id = m.id AND f.resolved_at IS NULL) AS open_findings,
            (SELECT max(i.occurred_at) FROM inference i WHERE i.model_id = m.id) AS last_at
       FROM model m
      WHERE NOT EXISTS (SELECT 1 FROM model_lookalike l WHERE l.model_id = m.id)
      ORDER BY m.name`,
    [at],
  );
  return {
    now: at.toISOString(),
    models: rows.map((r) => ({
      name: r.name,
      kind: r.kind,
      versions: r.versions,
      requests24h: r.requests_24h,
      inferences: r.inferences,
      openFindings: r.open_findings,
      lastInferenceAt: r.last_at?.toISOString() ?? null,
    })),
  };
}

/** The model named `name`; 404 naming it when there is none. */
export async function getModelOrThrow(name: string) {
  const model = await getPrisma().model.findUnique({ where: { name } });
  if (!model) {
    throw notFound(`There is no model "${name}"; GET /api/v1/models lists them.`);
  }
  return model;
}

/** Receipts stored but not yet turned into inferences (the indexer links them). */
export async function countUnlinkedReceipts(): Promise<number> {
  return getPrisma().receipt.count({ where: { inference: null } });
}
