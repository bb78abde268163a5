import "server-only";
import type pg from "pg";
import { ApiError, invalidField, notFound } from "@/lib/api/errors";
import {
  DISPUTE_STATUSES,
  DISPUTE_TRANSITIONS,
  statusLabel,
  type DisputeDetail,
  type DisputeEntry,
  type DisputeListQuery,
  type DisputePage,
  type DisputeStatus,
  type DisputeSummary,
} from "@/lib/api/schemas/disputes";
import { encodeCursor } from "@/lib/api/schemas/query";
import { recordAudit } from "@/lib/db/audit";
import { getPool } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/transaction";

/*
 * Every write locks the dispute row, checks, writes its thread entry and bumps updated_at,
 * and appends the audit event in the same transaction. The audit payload carries the very
 * strings stored (reason, body, note), so the thread can be proved from the log alone.
 */

const SUMMARY_SQL = `
  SELECT d.id, d.output_hash, d.inference_id, d.opened_by, d.reason, d.status::text AS status,
         d.incident_id, d.created_at, d.updated_at,
         (SELECT count(*)::int FROM dispute_comment c WHERE c.dispute_id = d.id AND c.kind = 'comment') AS comments,
         COALESCE((SELECT array_agg(DISTINCT m.name ORDER BY m.name) FROM inference i
                     JOIN model m ON m.id = i.model_id WHERE i.output_hash = d.output_hash), '{}') AS models
    FROM dispute d`;

/** $1 status, $2 model, $3 opened by, $4 mention pattern, $5 incident, $6 output hash. */
const FILTER_SQL = `
  ($1::dispute_status IS NULL OR d.status = $1)
  AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM inference i JOIN model m ON m.id = i.model_id
                                     WHERE i.output_hash = d.output_hash AND m.name = $2))
  AND ($3::text IS NULL OR d.opened_by = $3)
  AND ($4::text IS NULL OR d.reason ~* $4
       OR EXISTS (SELECT 1 FROM dispute_comment c WHERE c.dispute_id = d.id AND c.body ~* $4))
  AND ($5::uuid IS NULL OR d.incident_id = $5)
  AND ($6::text IS NULL OR d.output_hash = $6)`;

type SummaryRow = {
  id: string;
  output_hash: string;
  inference_id: string | null;
  opened_by: string;
  reason: string;
  status: DisputeStatus;
  incident_id: string | null;
  created_at: Date;
  updated_at: Date;
  comments: number;
  models: string[];
};

const toSummary = (r: SummaryRow): DisputeSummary => ({
  id: r.id,
  outputHash: r.output_hash,
  inferenceId: r.inference_id,
  openedBy: r.opened_by,
  reason: r.reason,
  status: r.status,
  incidentId: r.incident_id,
  models: r.models,
  comments: r.comments,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** A mention of `address` as the renderer links it: "@0x…" not followed by more hex. */
const mentionPattern = (address: string) => `@${address}(?![0-9a-z])`;

/** Disputes, newest activity first, filtered, paged by cursor; with counts per status. */
export async function listDisputes(q: Partial<DisputeListQuery> = {}): Promise<DisputePage> {
  const limit = q.limit ?? 50;
  const filters = [
    q.model ?? null,
    q.openedBy ?? null,
    q.mentions ? mentionPattern(q.mentions) : null,
    q.incident ?? null,
    q.output ?? null,
  ];
  const pool = getPool();
  const [page, counts] = await Promise.all([
    pool.query<SummaryRow>(
      `${SUMMARY_SQL} WHERE ${FILTER_SQL}
         AND ($7::timestamptz IS NULL OR (d.updated_at, d.id) < ($7, $8::uuid))
       ORDER BY d.updated_at DESC, d.id DESC LIMIT $9`,
      [q.status ?? null, ...filters, q.cursor?.at ?? null, q.cursor?.id ?? null, limit + 1],
    ),
    pool.query<{ status: DisputeStatus; n: number }>(
      `SELECT d.status::text AS status, count(*)::int AS n FROM dispute d WHERE ${FILTER_SQL} GROUP BY 1`,
      [null, ...filters],
    ),
  ]);
  const disputes = page.rows.slice(0, limit).map(toSummary);
  const last = disputes.at(-1);
  return {
    disputes,
    counts: Object.fromEntries(
      DISPUTE_STATUSES.map((s) => [s, counts.rows.find((r) => r.status === s)?.n ?? 0]),
    ) as DisputePage["counts"],
    nextCursor: page.rows.length > limit && last ? encodeCursor(last.updatedAt, last.id) : null,
  };
}

/** The disputes on one output, newest activity first (for its permalink page). */
export async function listDisputesForOutput(outputHash: string): Promise<DisputeSummary[]> {
  const output = outputHash as `0x${string}`;
  return (await listDisputes({ output, limit: 100 })).disputes;
}

/** The models of outputs that have disputes, for the list's filter. */
export async function listDisputedModels(): Promise<string[]> {
  const { rows } = await getPool().query<{ name: string }>(
    `SELECT DISTINCT m.name FROM dispute d JOIN inference i ON i.output_hash = d.output_hash
       JOIN model m ON m.id = i.model_id ORDER BY m.name`,
  );
  return rows.map((r) => r.name);
}

/** One dispute with its thread, the output's inferences and the linked incident; 404 when unknown. */
export async function getDisputeOrThrow(id: string): Promise<DisputeDetail> {
  const pool = getPool();
  const { rows } = await pool.query<SummaryRow>(`${SUMMARY_SQL} WHERE d.id = $1`, [id]);
  const row = rows[0];
  if (!row) throw notFound(`No dispute ${id}. Disputes are listed at /disputes.`);
  const [thread, inferences, incident] = await Promise.all([
    pool.query<{
      id: string;
      author: string;
      body: string;
      kind: DisputeEntry["kind"];
      status_from: DisputeStatus | null;
      status_to: DisputeStatus | null;
      incident_id: string | null;
      created_at: Date;
    }>(
      `SELECT id, author, body, kind, status_from::text AS status_from, status_to::text AS status_to,
              incident_id, created_at
         FROM dispute_comment WHERE dispute_id = $1 ORDER BY created_at, id`,
      [id],
    ),
    pool.query<{ id: string; model: string; version: string | null }>(
      `SELECT i.id, m.name AS model, mv.label AS version FROM inference i
         JOIN model m ON m.id = i.model_id LEFT JOIN model_version mv ON mv.id = i.model_version_id
        WHERE i.output_hash = $1 ORDER BY i.occurred_at, i.id`,
      [row.output_hash],
    ),
    row.incident_id
      ? pool.query<{
          id: string;
          model: string;
          bad_version: string;
          status: "proposed" | "confirmed";
          created_at: Date;
        }>(
          `SELECT i.id, m.name AS model, mv.label AS bad_version, i.status::text AS status, i.created_at
             FROM incident i JOIN model m ON m.id = i.model_id JOIN model_version mv ON mv.id = i.bad_version_id
            WHERE i.id = $1`,
          [row.incident_id],
        )
      : null,
  ]);
  const linked = incident?.rows[0];
  return {
    ...toSummary(row),
    inferences: inferences.rows,
    incident: linked
      ? {
          id: linked.id,
          model: linked.model,
          badVersion: linked.bad_version,
          status: linked.status,
          createdAt: linked.created_at.toISOString(),
        }
      : null,
    thread: thread.rows.map((c) => ({
      id: c.id,
      author: c.author,
      body: c.body,
      kind: c.kind,
      statusFrom: c.status_from,
      statusTo: c.status_to,
      incidentId: c.incident_id,
      createdAt: c.created_at.toISOString(),
    })),
    allowedMoves: [...DISPUTE_TRANSITIONS[row.status]],
  };
}

/**
 * Opens a dispute on an indexed output (404 otherwise). The inference is recorded when
 * exactly one produced the output; with several, the dispute is about the output itself.
 * Answers the new dispute's id.
 */
export function openDispute(args: {
  actor: string;
  outputHash: string;
  reason: string;
}): Promise<string> {
  return withTransaction(
    async (client) => {
      const { rows } = await client.query<{ id: string }>(
        "SELECT id FROM inference WHERE output_hash = $1 ORDER BY id LIMIT 2",
        [args.outputHash],
      );
      if (rows.length === 0) {
        throw notFound(
          `No indexed inference produced output ${args.outputHash}, so it cannot be disputed here. Check the hash, or wait until its receipt is indexed.`,
        );
      }
      const inferenceId = rows.length === 1 ? rows[0]!.id : null;
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO dispute (output_hash, inference_id, opened_by, reason) VALUES ($1, $2, $3, $4) RETURNING id`,
        [args.outputHash, inferenceId, args.actor, args.reason],
      );
      const disputeId = inserted.rows[0]!.id;
      await recordAudit(client, {
        actor: args.actor,
        action: "dispute.open",
        subjectType: "dispute",
        subjectId: disputeId,
        payload: { disputeId, outputHash: args.outputHash, inferenceId, reason: args.reason },
      });
      return disputeId;
    },
    { kind: "dispute" },
  );
}

/** Locks the dispute for this transaction; 404 when unknown. */
async function lockDispute(client: pg.ClientBase, id: string) {
  const { rows } = await client.query<{ status: DisputeStatus; incident_id: string | null }>(
    "SELECT status::text AS status, incident_id FROM dispute WHERE id = $1 FOR UPDATE",
    [id],
  );
  if (!rows[0]) throw notFound(`No dispute ${id}. Disputes are listed at /disputes.`);
  return rows[0];
}

/** Appends one thread entry and bumps the dispute's activity time; answers the entry id. */
async function appendEntry(
  client: pg.ClientBase,
  entry: {
    disputeId: string;
    author: string;
    body: string;
    kind: DisputeEntry["kind"];
    statusFrom?: DisputeStatus;
    statusTo?: DisputeStatus;
    incidentId?: string | null;
  },
): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO dispute_comment (dispute_id, author, body, kind, status_from, status_to, incident_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      entry.disputeId,
      entry.author,
      entry.body,
      entry.kind,
      entry.statusFrom ?? null,
      entry.statusTo ?? null,
      entry.incidentId ?? null,
    ],
  );
  await client.query("UPDATE dispute SET updated_at = now() WHERE id = $1", [entry.disputeId]);
  return rows[0]!.id;
}

/** Adds a comment to a dispute's thread (any status); answers the comment id. */
export function addComment(args: { actor: string; disputeId: string; body: string }) {
  return withTransaction(
    async (client) => {
      await lockDispute(client, args.disputeId);
      const commentId = await appendEntry(client, {
        disputeId: args.disputeId,
        author: args.actor,
        body: args.body,
        kind: "comment",
      });
      await recordAudit(client, {
        actor: args.actor,
        action: "dispute.comment",
        subjectType: "dispute",
        subjectId: args.disputeId,
        payload: { disputeId: args.disputeId, commentId, body: args.body },
      });
      return commentId;
    },
    { kind: "dispute" },
  );
}

/**
 * Moves a dispute along its state machine (DISPUTE_TRANSITIONS) with the operator's note;
 * 409 naming the allowed moves for any other.
 */
export function changeStatus(args: {
  actor: string;
  disputeId: string;
  status: DisputeStatus;
  note: string;
}) {
  return withTransaction(
    async (client) => {
      const { status: from } = await lockDispute(client, args.disputeId);
      const allowed = DISPUTE_TRANSITIONS[from];
      if (!allowed.includes(args.status)) {
        throw new ApiError(
          409,
          "invalid_transition",
          from === args.status
            ? `The dispute is already ${statusLabel(from)}. From ${statusLabel(from)} it can move to ${allowed.map(statusLabel).join(" or ")}.`
            : `A dispute that is ${statusLabel(from)} cannot move to ${statusLabel(args.status)}; it can move to ${allowed.map(statusLabel).join(" or ")}.`,
          { status: from, allowed },
        );
      }
      const commentId = await appendEntry(client, {
        disputeId: args.disputeId,
        author: args.actor,
        body: args.note,
        kind: "status_change",
        statusFrom: from,
        statusTo: args.status,
      });
      await client.query("UPDATE dispute SET status = $2 WHERE id = $1", [
        args.disputeId,
        args.status,
      ]);
      await recordAudit(client, {
        actor: args.actor,
        action: "dispute.status",
        subjectType: "dispute",
        subjectId: args.disputeId,
        payload: {
          disputeId: args.disputeId,
          commentId,
          from,
          to: args.status,
          note: args.note,
        },
      });
      return commentId;
    },
    { kind: "dispute" },
  );
}

/**
 * Links the dispute to an incident (or unlinks it, with null) with the operator's note.
 * 422 for an unknown incident; 409 when nothing would change.
 */
export function linkIncident(args: {
  actor: string;
  disputeId: string;
  incidentId: string | null;
  note: string;
}) {
  return withTransaction(
    async (client) => {
      const { incident_id: from } = await lockDispute(client, args.disputeId);
      if (from === args.incidentId) {
        throw new ApiError(
          409,
          "unchanged",
          args.incidentId
            ? `The dispute is already linked to incident ${args.incidentId}.`
            : "The dispute is not linked to any incident; there is nothing to unlink.",
        );
      }
      if (args.incidentId) {
        const { rowCount } = await client.query("SELECT 1 FROM incident WHERE id = $1", [
          args.incidentId,
        ]);
        if (!rowCount) {
          throw invalidField(
            "incidentId",
            `no incident ${args.incidentId}; pick one at /incidents`,
          );
        }
      }
      const commentId = await appendEntry(client, {
        disputeId: args.disputeId,
        author: args.actor,
        body: args.note,
        kind: "incident_link",
        incidentId: args.incidentId,
      });
      await client.query("UPDATE dispute SET incident_id = $2 WHERE id = $1", [
        args.disputeId,
        args.incidentId,
      ]);
      await recordAudit(client, {
        actor: args.actor,
        action: "dispute.link_incident",
        subjectType: "dispute",
        subjectId: args.disputeId,
        payload: {
          disputeId: args.disputeId,
          commentId,
          from,
          incidentId: args.incidentId,
          note: args.note,
        },
      });
      return commentId;
    },
    { kind: "dispute" },
  );
}
