import "server-only";
import { getPool } from "@/lib/db/client";
import type { BlastPart } from "@/lib/db/blast-radius";

/** One row of a blast radius table or export; fields not meaningful for a part are null. */
export interface BlastRow {
  part: BlastPart;
  position: number;
  id: string;
  occurredAt: string;
  /** Inferences: the version they claim; actions: their depth in the graph. */
  version: string | null;
  depth: number | null;
  outputHash: string | null;
  teeId: string | null;
  payer: string | null;
  txHash: string | null;
  chainId: number | null;
  blockNumber: string | null;
  kind: string | null;
  actor: string | null;
  /** Actions: whether the agent was known (in the agent registry) when this was computed. */
  agentTrust: "known" | "unknown" | null;
  /** Actions: the registry's label of a known agent (as it is now). */
  agentLabel: string | null;
  token: string | null;
  value: string | null;
  allocated: string | null;
  summary: string | null;
}

const INFERENCE_SQL = `
    SELECT e.ord, i.id, i.occurred_at, mv.label, NULL::int, i.output_hash, i.tee_id, i.payer, NULL, NULL::int,
           NULL, i.signature_status::text, NULL, NULL, NULL, NULL, NULL, NULL, NULL
      FROM items e JOIN inference i ON i.id = e.item
      LEFT JOIN model_version mv ON mv.id = i.model_version_id`;

/** Agent actions; which part they are stored in says whether their agent was known. */
const actionSql = (trust: "known" | "unknown") => `
    SELECT e.ord, a.id::text, a.occurred_at, NULL, split_part(e.item, ':', 2)::int, NULL, NULL, NULL, a.tx_hash, a.chain_id,
           NULL, a.kind::text, a.agent, NULL, NULL, NULL, a.summary, '${trust}',
           (SELECT k.label FROM known_agent k WHERE k.address = a.agent)
      FROM items e JOIN agent_action a ON a.id = split_part(e.item, ':', 1)::uuid`;

// Each part's ids in stored order (WITH ORDINALITY), joined to the rows they name.
const PART_SQL: Record<BlastPart, string> = {
  affected: INFERENCE_SQL,
  stale: INFERENCE_SQL,
  settlements: `
    SELECT e.ord, s.id::text, s.block_time AS occurred_at, NULL AS version, NULL::int AS depth, s.output_hash,
           s.tee_id, NULL AS payer, s.tx_hash, s.chain_id, s.block_number::text, s.kind::text, NULL AS actor,
           NULL AS token, NULL AS value, NULL AS allocated, NULL AS summary, NULL AS agent_trust, NULL AS agent_label
      FROM items e JOIN settlement s ON s.id = e.item::uuid`,
  payments: `
    SELECT e.ord, p.id::text, p.occurred_at, NULL, NULL::int, NULL, NULL, p.from_address, p.tx_hash, p.chain_id,
           p.block_number::text, p.settle_event, p.to_address, p.token, p.value::text, split_part(e.item, ':', 2), p.session_id,
           NULL, NULL
      FROM items e JOIN payment p ON p.id = split_part(e.item, ':', 1)::uuid`,
  actions: actionSql("known"),
  unknownActions: actionSql("unknown"),
};

/**
 * Rows of one part of a stored blast radius, in stored order, after position `after`
 * (0 for the first page). `limit` null reads them all (exports).
 */
export async function listBlastRows(
  blastRadiusId: string,
  part: BlastPart,
  page: { after: number; limit: number | null },
): Promise<BlastRow[]> {
  const { rows } = await getPool().query<{
    ord: string;
    id: string;
    occurred_at: Date;
    version: string | null;
    depth: number | null;
    output_hash: string | null;
    tee_id: string | null;
    payer: string | null;
    tx_hash: string | null;
    chain_id: number | null;
    block_number: string | null;
    kind: string | null;
    actor: string | null;
    token: string | null;
    value: string | null;
    allocated: string | null;
    summary: string | null;
    agent_trust: "known" | "unknown" | null;
    agent_label: string | null;
  }>(
    `WITH items AS (
       SELECT e.item, e.ord FROM blast_radius b
        CROSS JOIN LATERAL unnest(string_to_array(b.result ->> $2::text, ',')) WITH ORDINALITY e(item, ord)
        WHERE b.id = $1 AND e.ord > $3
        ORDER BY e.ord ${page.limit === null ? "" : `LIMIT ${Math.floor(page.limit)}`})
     SELECT * FROM (${PART_SQL[part]}) r(ord, id, occurred_at, version, depth, output_hash, tee_id, payer, tx_hash,
                    chain_id, block_number, kind, actor, token, value, allocated, summary, agent_trust, agent_label)
      ORDER BY ord`,
    [blastRadiusId, part, page.after],
  );
  return rows.map((r) => ({
    part,
    position: Number(r.ord),
    id: r.id,
    occurredAt: r.occurred_at.toISOString(),
    version: r.version,
    depth: r.depth,
    outputHash: r.output_hash,
    teeId: r.tee_id,
    payer: r.payer,
    txHash: r.tx_hash,
    chainId: r.chain_id,
    blockNumber: r.block_number,
    kind: r.kind,
    actor: r.actor,
    agentTrust: r.agent_trust,
    agentLabel: r.agent_label,
    token: r.token,
    value: r.value,
    allocated: r.allocated,
    summary: r.summary,
  }));
}

export const BLAST_CSV_COLUMNS = [
  "part",
  "position",
  "id",
  "occurredAt",
  "version",
  "depth",
  "outputHash",
  "teeId",
  "payer",
  "txHash",
  "chainId",
  "blockNumber",
  "kind",
  "actor",
  "agentTrust",
  "agentLabel",
  "token",
  "value",
  "allocated",
  "summary",
] as const satisfies readonly (keyof BlastRow)[];

/** One CSV line (RFC 4180 quoting; cells starting with = + - @ are prefixed with ' against formula injection). */
export function csvLine(values: readonly unknown[]): string {
  return `${values
    .map((v) => {
      if (v === null || v === undefined) return "";
      let text = String(v);
      if (/^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text)) text = `'${text}`;
      return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    })
    .join(",")}\r\n`;
}
