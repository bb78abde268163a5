import type pg from "pg";
import type { Hex } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import {
  auditEventHash,
  checkpointMessage,
  hashCanonical,
  ZERO_HASH,
  type AuditJson,
} from "./hash";

/** Every audit writer takes this lock, so the chain is extended one event at a time. */
const AUDIT_LOCK = "hashtext('audit_event')";

export interface AuditInput {
  /** An address, or "system". */
  actor: string;
  /** e.g. "auth.sign_in", "user.role", "incident.declare". */
  action: string;
  subjectType?: string | null;
  subjectId?: string | null;
  payload: { [key: string]: AuditJson };
}

export interface AuditOptions {
  signer: PrivateKeyAccount;
  /** Sign a checkpoint when the new event's seq is a multiple of this. */
  checkpointEvery: number;
}

export interface AppendedEvent {
  seq: bigint;
  hash: Hex;
  checkpointed: boolean;
}

/**
 * Appends one event to the hash chain. Call it inside the transaction of the action it
 * records (`db` must be in a transaction): the event commits or rolls back with it. Seqs are
 * assigned here, not by a sequence, so a rolled-back action leaves no gap in the chain.
 */
export async function appendAuditEvent(
  db: pg.ClientBase,
  input: AuditInput,
  options: AuditOptions,
): Promise<AppendedEvent> {
  await db.query(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
  const head = await db.query<{ seq: string; hash: Hex }>(
    "SELECT seq::text, hash FROM audit_event ORDER BY audit_event.seq DESC LIMIT 1",
  );
  const seq = head.rows[0] ? BigInt(head.rows[0].seq) + 1n : 1n;
  const prevHash = head.rows[0]?.hash ?? ZERO_HASH;
  const occurredAt = new Date();
  const payloadHash = hashCanonical(input.payload);
  const link = {
    seq,
    occurredAt,
    actor: input.actor,
    action: input.action,
    subjectType: input.subjectType ?? null,
    subjectId: input.subjectId ?? null,
    payloadHash,
    prevHash,
  };
  const hash = auditEventHash(link);
  await db.query(
    `INSERT INTO audit_event (seq, occurred_at, actor, action, subject_type, subject_id, payload, payload_hash, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10)`,
    [
      seq.toString(),
      occurredAt,
      link.actor,
      link.action,
      link.subjectType,
      link.subjectId,
      JSON.stringify(input.payload),
      payloadHash,
      prevHash,
      hash,
    ],
  );
  const checkpointed = seq % BigInt(options.checkpointEvery) === 0n;
  if (checkpointed) await insertCheckpoint(db, { uptoSeq: seq, headHash: hash }, options.signer);
  return { seq, hash, checkpointed };
}

async function insertCheckpoint(
  db: pg.ClientBase,
  head: { uptoSeq: bigint; headHash: Hex },
  signer: PrivateKeyAccount,
) {
  const count = head.uptoSeq; // seqs run 1..n without gaps; the verifier checks it.
  const signature = await signer.signMessage({
    message: checkpointMessage({ ...head, count }),
  });
  await db.query(
    `INSERT INTO audit_checkpoint (upto_seq, count, head_hash, signature, signer)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (upto_seq) DO NOTHING`,
    [
      head.uptoSeq.toString(),
      count.toString(),
      head.headHash,
      signature,
      signer.address.toLowerCase(),
    ],
  );
}

/**
 * Signs a checkpoint of the current head when events are not covered yet and the newest
 * checkpoint (or, without one, the first uncovered event) is older than `maxAgeMs`: the
 * "hourly" half of "every N entries or hourly". Returns the seq checkpointed, if any.
 */
export async function checkpointIfDue(
  db: pg.ClientBase,
  signer: PrivateKeyAccount,
  maxAgeMs = 3_600_000,
  now = new Date(),
): Promise<bigint | null> {
  await db.query("BEGIN");
  try {
    await db.query(`SELECT pg_advisory_xact_lock(${AUDIT_LOCK})`);
    const { rows } = await db.query<{ seq: string; hash: Hex; since: Date | null }>(
      `SELECT e.seq::text, e.hash,
              COALESCE((SELECT max(created_at) FROM audit_checkpoint),
                       (SELECT min(occurred_at) FROM audit_event)) AS since
         FROM audit_event e
        WHERE e.seq > COALESCE((SELECT max(upto_seq) FROM audit_checkpoint), 0)
        ORDER BY e.seq DESC LIMIT 1`,
    );
    const head = rows[0];
    if (!head?.since || now.getTime() - head.since.getTime() < maxAgeMs) {
      await db.query("COMMIT");
      return null;
    }
    const uptoSeq = BigInt(head.seq);
    await insertCheckpoint(db, { uptoSeq, headHash: head.hash }, signer);
    await db.query("COMMIT");
    return uptoSeq;
  } catch (error) {
    await db.query("ROLLBACK").catch(() => {});
    throw error;
  }
}
