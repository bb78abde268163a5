import "server-only";
import { invalidField } from "@/lib/api/errors";
import { getPool, getPrisma } from "@/lib/db/client";

/** The filters the timeline and the inference list share (already validated by zod). */
export interface InferenceFilters {
  version?: string;
  enclave?: string;
  status?: string;
  payer?: string;
  agent?: string;
}

/** SQL conditions over `alias` with their parameters appended to `params`. */
export interface SqlFilter {
  where: string[];
  params: unknown[];
}

/** Appends a parameter and returns its placeholder ("$3"). */
export function addParam(sql: SqlFilter, value: unknown): string {
  sql.params.push(value);
  return `$${sql.params.length}`;
}

/** The id of the model a `model` query parameter names; 422 naming the parameter when none. */
export async function modelIdForParam(name: string): Promise<string> {
  const model = await getPrisma().model.findUnique({ where: { name }, select: { id: true } });
  if (!model) throw invalidField("model", `there is no model named "${name}"`);
  return model.id;
}

/** Ids of the model's versions whose label or key is `version`; 422 naming it when none. */
export async function resolveVersionIds(modelId: string, version: string): Promise<string[]> {
  const { rows } = await getPool().query<{ id: string }>(
    "SELECT id FROM model_version WHERE model_id = $1 AND (label = $2 OR key = $2)",
    [modelId, version],
  );
  if (rows.length === 0) {
    throw invalidField("version", `this model has no version labelled or keyed "${version}"`);
  }
  return rows.map((r) => r.id);
}

/**
 * Conditions for the filters on an inference-shaped relation (`alias` has model_version_id
 * and signature_status; and tee_id, payer and output_hash unless `rollup`). Appends to `into`.
 */
export function filterConditions(
  into: SqlFilter,
  alias: string,
  f: InferenceFilters & { versionIds?: string[] },
  rollup = false,
): void {
  const param = (v: unknown) => addParam(into, v);
  if (f.versionIds)
    into.where.push(`${alias}.model_version_id = ANY(${param(f.versionIds)}::uuid[])`);
  if (f.status) into.where.push(`${alias}.signature_status = ${param(f.status)}::signature_status`);
  if (rollup) return;
  if (f.enclave) into.where.push(`${alias}.tee_id = ${param(f.enclave)}`);
  if (f.payer) into.where.push(`${alias}.payer = ${param(f.payer)}`);
  if (f.agent) {
    into.where.push(
      `${alias}.output_hash IN (SELECT c.output_hash FROM agent_action_citation c
         JOIN agent_action a ON a.id = c.action_id
        WHERE a.agent = ${param(f.agent)} AND c.output_hash IS NOT NULL)`,
    );
  }
}

/** Whether the filters need per-inference columns the hourly roll-up does not keep. */
export const needsRawRows = (f: InferenceFilters) => Boolean(f.payer || f.agent || f.enclave);
