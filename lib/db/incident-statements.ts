import "server-only";
import crypto from "node:crypto";
import type pg from "pg";
import type { Hex } from "viem";
import { ApiError, invalidField, unauthorized } from "@/lib/api/errors";
import type { IncidentDraft } from "@/lib/api/schemas/incidents";
import type { SessionUser } from "@/lib/db/sessions";
import { recordAudit } from "@/lib/db/audit";
import { computeBlastRadius } from "@/lib/db/blast-radius";
import { getPool } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/transaction";
import { SIGN_IN_CHAIN_IDS } from "@/lib/db/sessions";
import {
  INCIDENT_DOMAIN_NAME,
  INCIDENT_STATEMENT_TYPES,
  incidentStatementDigest,
  recoverIncidentSigner,
  type IncidentMessage,
  type IncidentStatement,
} from "@/lib/evidence/incident-statement";
import { linkFindingsToIncidents } from "@/lib/indexer/link/incidents";
import { blockTimeOf } from "@/lib/system/chains";

/** A prepared statement must be signed and sent within this long. */
export const STATEMENT_TTL_MS = 15 * 60_000;

interface Resolved {
  modelId: string;
  badVersionId: string;
  badVersionLabel: string;
  rolledBackToVersionId: string | null;
  windowFrom: Date;
  windowTo: Date | null;
  supersedes: { id: string; status: string; proposedFromEventId: string | null } | null;
}

type Queryable = pg.ClientBase | pg.Pool;

async function indexedBlockTime(db: Queryable, chainId: number, number: bigint) {
  const { rows } = await db.query<{ t: Date }>(
    `SELECT t FROM (
       SELECT timestamp AS t FROM block WHERE chain_id = $1 AND number = $2 AND orphaned_at IS NULL
       UNION ALL SELECT block_time FROM registry_event WHERE chain_id = $1 AND block_number = $2 AND orphaned_at IS NULL
       UNION ALL SELECT block_time FROM settlement WHERE chain_id = $1 AND block_number = $2 AND orphaned_at IS NULL) x LIMIT 1`,
    [chainId, number.toString()],
  );
  return rows[0]?.t ?? null;
}

async function blockTime(db: Queryable, chainId: number, number: bigint, field: string) {
  const time = await blockTimeOf(chainId, number, (c, n) => indexedBlockTime(db, c, n));
  if (!time) {
    throw invalidField(
      field,
      `block ${number} on chain ${chainId} is not known (not indexed, not on the chain's RPC)`,
    );
  }
  return time;
}

/**
 * Checks what a statement names against the database: the model and versions exist and
 * belong together, the window is ordered, and the superseded incident suits the action
 * (declare: none; confirm: an open proposal for the same version; correct: a signed incident
 * of the same model not superseded yet). Throws 422 naming the field, 409 when already
 * superseded.
 */
async function resolve(
  db: Queryable,
  m: {
    action: IncidentMessage["action"];
    model: string;
    badVersion: string;
    rolledBackTo: string;
    windowFrom: Date;
    windowTo: Date | null;
    supersedes: string;
  },
): Promise<Resolved> {
  const { rows } = await db.query<{
    model_id: string;
    bad_id: string | null;
    bad_label: string | null;
    back_id: string | null;
  }>(
    `SELECT m.id AS model_id, bad.id AS bad_id, bad.label AS bad_label, back.id AS back_id
       FROM model m
       LEFT JOIN model_version bad ON bad.model_id = m.id AND bad.key = $2
       LEFT JOIN model_version back ON back.model_id = m.id AND back.key = $3
      WHERE m.name = $1`,
    [m.model, m.badVersion, m.rolledBackTo],
  );
  const row = rows[0];
  if (!row) throw invalidField("model", `no model named ${m.model}`);
  if (!row.bad_id)
    throw invalidField("badVersion", `${m.badVersion} is not a version of ${m.model}`);
  if (m.rolledBackTo && !row.back_id) {
    throw invalidField("rolledBackTo", `${m.rolledBackTo} is not a version of ${m.model}`);
  }
  if (row.back_id && row.back_id === row.bad_id) {
    throw invalidField("rolledBackTo", "must differ from the bad version");
  }
  if (m.windowTo && m.windowTo < m.windowFrom) {
    throw invalidField("window", "ends before it starts");
  }
  let supersedes: Resolved["supersedes"] = null;
  if (m.action === "declare") {
    if (m.supersedes)
      throw invalidField("supersedes", "a declaration supersedes nothing; use correct");
  } else {
    if (!m.supersedes) throw invalidField("supersedes", `is required to ${m.action} an incident`);
    const found = await db.query<{
      id: string;
      status: string;
      model_id: string;
      bad_version_id: string;
      proposed_from_event_id: string | null;
      superseded: boolean;
    }>(
      `SELECT i.id, i.status, i.model_id, i.bad_version_id, i.proposed_from_event_id,
              EXISTS (SELECT 1 FROM incident n WHERE n.supersedes_id = i.id) AS superseded
         FROM incident i WHERE i.id = $1`,
      [m.supersedes],
    );
    const old = found.rows[0];
    if (!old) throw invalidField("supersedes", `no incident ${m.supersedes}`);
    if (old.superseded) {
      throw new ApiError(
        409,
        "already_superseded",
        `Incident ${old.id} is already superseded; correct the newer one.`,
      );
    }
    if (
      m.action === "confirm" &&
      (old.status !== "proposed" || old.bad_version_id !== row.bad_id)
    ) {
      throw invalidField(
        "supersedes",
        "confirm signs an open proposal for the same model and version",
      );
    }
    if (m.action === "correct" && (old.status !== "confirmed" || old.model_id !== row.model_id)) {
      throw invalidField("supersedes", "correct supersedes a signed incident of the same model");
    }
    supersedes = {
      id: old.id,
      status: old.status,
      proposedFromEventId: old.proposed_from_event_id,
    };
  }
  return {
    modelId: row.model_id,
    badVersionId: row.bad_id,
    badVersionLabel: row.bad_label!,
    rolledBackToVersionId: row.back_id,
    windowFrom: m.windowFrom,
    windowTo: m.windowTo,
    supersedes,
  };
}

/** Turns an operator's draft into the exact statement their wallet will sign. */
export async function prepareIncidentStatement(
  draft: IncidentDraft,
  origin: string,
): Promise<IncidentStatement> {
  if (!SIGN_IN_CHAIN_IDS.includes(draft.chainId)) {
    throw invalidField(
      "chainId",
      `must be one of ${SIGN_IN_CHAIN_IDS.join(", ")} (switch your wallet)`,
    );
  }
  const pool = getPool();
  const w = draft.window;
  const windowFrom =
    w.kind === "time"
      ? w.from
      : await blockTime(pool, w.chainId, BigInt(w.fromBlock), "window.fromBlock");
  const windowTo =
    w.kind === "time"
      ? (w.to ?? null)
      : w.toBlock === undefined
        ? null
        : await blockTime(pool, w.chainId, BigInt(w.toBlock), "window.toBlock");
  const resolved = await resolve(pool, {
    action: draft.action,
    model: draft.model,
    badVersion: draft.badVersion,
    rolledBackTo: draft.rolledBackTo ?? "",
    windowFrom,
    windowTo,
    supersedes: draft.supersedes ?? "",
  });
  return {
    domain: { name: INCIDENT_DOMAIN_NAME, version: "1", chainId: draft.chainId },
    message: {
      action: draft.action,
      model: draft.model,
      badVersion: draft.badVersion,
      badVersionLabel: resolved.badVersionLabel,
      rolledBackTo: draft.rolledBackTo ?? "",
      windowFrom: String(windowFrom.getTime()),
      windowTo: windowTo ? String(windowTo.getTime()) : "0",
      windowChainId: w.kind === "block" ? String(w.chainId) : "0",
      windowFromBlock: w.kind === "block" ? String(w.fromBlock) : "0",
      windowToBlock: w.kind === "block" && w.toBlock !== undefined ? String(w.toBlock) : "0",
      reason: draft.reason,
      evidenceLinks: draft.evidenceLinks,
      supersedes: draft.supersedes ?? "",
      origin,
      nonce: `0x${crypto.randomBytes(32).toString("hex")}`,
      issuedAt: String(Date.now()),
    },
  };
}

export interface RecordedIncident {
  id: string;
  digest: Hex;
  blastRadiusId: string;
}

/**
 * Verifies a signed statement and records it, in one transaction with its audit event,
 * its first blast radius and the findings it now covers. Refuses (and writes nothing): a
 * statement for another deployment or chain, one too old or from the future, one whose
 * blocks or names do not match the evidence, a signature that is not the signed-in
 * operator's (401), and a replay of a recorded statement (409).
 */
export async function recordSignedIncident(args: {
  statement: IncidentStatement;
  signature: Hex;
  origin: string;
  user: SessionUser;
}): Promise<RecordedIncident> {
  const { statement, signature, user } = args;
  const m = statement.message;
  if (m.origin !== args.origin) {
    throw invalidField(
      "statement.message.origin",
      `was prepared for ${m.origin}, not ${args.origin}`,
    );
  }
  if (!SIGN_IN_CHAIN_IDS.includes(statement.domain.chainId)) {
    throw invalidField(
      "statement.domain.chainId",
      `must be one of ${SIGN_IN_CHAIN_IDS.join(", ")}`,
    );
  }
  const issuedAt = Number(m.issuedAt);
  if (issuedAt > Date.now() + 60_000 || Date.now() - issuedAt > STATEMENT_TTL_MS) {
    throw invalidField(
      "statement.message.issuedAt",
      "the statement is older than 15 minutes or in the future; prepare and sign it again",
    );
  }
  const signer = await recoverIncidentSigner(statement, signature);
  if (signer !== user.address) {
    throw unauthorized(
      signer
        ? `The statement is signed by ${signer}, not by ${user.address} who is signed in.`
        : "The signature is malformed; sign the statement again.",
    );
  }
  const digest = incidentStatementDigest(statement);
  return withTransaction(
    async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('incident'))");
      const replay = await client.query("SELECT id FROM incident WHERE statement_digest = $1", [
        digest,
      ]);
      if (replay.rows[0]) {
        throw new ApiError(
          409,
          "replayed_statement",
          "This signed statement is already recorded; a statement counts once.",
          {
            incidentId: replay.rows[0].id,
          },
        );
      }
      const windowChainId = Number(m.windowChainId);
      const windowFrom = new Date(Number(m.windowFrom));
      const windowTo = m.windowTo === "0" ? null : new Date(Number(m.windowTo));
      if (windowChainId) {
        await checkBlock(client, windowChainId, m.windowFromBlock, windowFrom, "windowFromBlock");
        if (windowTo)
          await checkBlock(client, windowChainId, m.windowToBlock, windowTo, "windowToBlock");
      }
      const r = await resolve(client, { ...m, windowFrom, windowTo });
      if (r.badVersionLabel !== m.badVersionLabel) {
        throw invalidField(
          "statement.message.badVersionLabel",
          `the version is labelled ${r.badVersionLabel}`,
        );
      }
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO incident (model_id, bad_version_id, rolled_back_to_version_id, window_from, window_to,
                               window_chain_id, window_from_block, window_to_block, reason, evidence_links,
                               operator, statement, signature, statement_digest, status, supersedes_id, proposed_from_event_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14, 'confirmed', $15, $16)
         RETURNING id`,
        [
          r.modelId,
          r.badVersionId,
          r.rolledBackToVersionId,
          windowFrom,
          windowTo,
          windowChainId || null,
          windowChainId && m.windowFromBlock !== "0" ? m.windowFromBlock : null,
          windowChainId && m.windowToBlock !== "0" ? m.windowToBlock : null,
          m.reason,
          m.evidenceLinks,
          user.address,
          JSON.stringify({
            ...statement,
            types: INCIDENT_STATEMENT_TYPES,
            primaryType: "IncidentStatement",
          }),
          signature,
          digest,
          r.supersedes?.id ?? null,
          r.supersedes?.proposedFromEventId ?? null,
        ],
      );
      const id = inserted.rows[0]!.id;
      await linkFindingsToIncidents(client, { modelId: r.modelId });
      const blast = await computeBlastRadius(id, client);
      await recordAudit(client, {
        actor: user.address,
        action: `incident.${m.action}`,
        subjectType: "incident",
        subjectId: id,
        payload: {
          incidentId: id,
          digest,
          signature,
          model: m.model,
          badVersion: m.badVersion,
          windowFrom: windowFrom.toISOString(),
          windowTo: windowTo?.toISOString() ?? null,
          supersedes: r.supersedes?.id ?? null,
          blastRadiusId: blast.id,
        },
      });
      return { id, digest, blastRadiusId: blast.id };
    },
    { kind: "incident" },
  );
}

async function checkBlock(
  db: Queryable,
  chainId: number,
  number: string,
  time: Date,
  field: string,
) {
  const actual = await blockTime(db, chainId, BigInt(number), `statement.message.${field}`);
  if (actual.getTime() !== time.getTime()) {
    throw invalidField(
      `statement.message.${field}`,
      `block ${number} is at ${actual.toISOString()}, not ${time.toISOString()}`,
    );
  }
}

/** Recomputes and stores a new blast radius (a human action, audited). */
export async function recomputeBlastRadius(incidentId: string, user: SessionUser) {
  return withTransaction(
    async (client) => {
      const blast = await computeBlastRadius(incidentId, client);
      await recordAudit(client, {
        actor: user.address,
        action: "incident.blast_radius",
        subjectType: "incident",
        subjectId: incidentId,
        payload: { incidentId, blastRadiusId: blast.id, computedAt: blast.computedAt },
      });
      return blast;
    },
    { kind: "incident" },
  );
}
