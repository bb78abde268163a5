import type pg from "pg";
import { recoverMessageAddress, type Hex } from "viem";
import { auditEventHash, checkpointMessage, hashCanonical, ZERO_HASH } from "./hash";

export interface AuditProblem {
  /** The first event (or checkpoint's head) where the record stops matching. */
  seq: string;
  kind: "gap" | "prev_hash" | "payload_hash" | "hash" | "checkpoint";
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  events: number;
  checkpoints: number;
  /** The recomputed head of the chain. */
  headHash: Hex;
  /** The first broken link, in seq order; later events are not judged once one breaks. */
  firstBroken: AuditProblem | null;
  /** Every checkpoint that does not vouch for the recomputed chain. */
  checkpointProblems: AuditProblem[];
  latestCheckpoint: { uptoSeq: string; signer: string; createdAt: string } | null;
}

/** An audit_event row as read with `seq::text` (the verifier's and the evidence bundle's). */
export interface EventRow {
  seq: string;
  occurred_at: Date;
  actor: string;
  action: string;
  subject_type: string | null;
  subject_id: string | null;
  payload: unknown;
  payload_hash: Hex;
  prev_hash: Hex;
  hash: Hex;
}

const PAGE = 5000;

/**
 * Recomputes the whole chain from the stored rows (payload → payloadHash, fields →
 * hash, each prevHash against the hash before it, seqs 1..n without gaps) and checks every
 * checkpoint: its signature recovers to its signer, the signer is trusted, and its count and
 * head hash match the recomputed chain. A rewrite that recomputed every hash still fails
 * the checkpoints signed before it.
 */
export async function verifyAuditLog(
  db: pg.ClientBase | pg.Pool,
  trustedSigners: readonly string[],
): Promise<AuditVerification> {
  const recomputed = new Map<string, Hex>();
  let expected = 1n;
  let prev: Hex = ZERO_HASH;
  let firstBroken: AuditProblem | null = null;
  let events = 0;
  const checkpoints = await db.query<{
    upto_seq: string;
    count: string;
    head_hash: Hex;
    signature: Hex;
    signer: string;
    created_at: Date;
  }>(
    "SELECT upto_seq::text, count::text, head_hash, signature, signer, created_at FROM audit_checkpoint ORDER BY audit_checkpoint.upto_seq",
  );
  const wanted = new Set(checkpoints.rows.map((c) => c.upto_seq));
  for (let after = "0"; ;) {
    const { rows } = await db.query<EventRow>(
      `SELECT seq::text, occurred_at, actor, action, subject_type, subject_id, payload, payload_hash, prev_hash, hash
         FROM audit_event WHERE seq > $1 ORDER BY audit_event.seq LIMIT ${PAGE}`,
      [after],
    );
    for (const row of rows) {
      events++;
      const problem: AuditProblem | null = firstBroken ? null : judge(row, expected, prev);
      if (problem) firstBroken = problem;
      const hash = auditEventHash({
        seq: BigInt(row.seq),
        occurredAt: row.occurred_at,
        actor: row.actor,
        action: row.action,
        subjectType: row.subject_type,
        subjectId: row.subject_id,
        payloadHash: hashCanonical(row.payload),
        prevHash: prev,
      });
      if (wanted.has(row.seq)) recomputed.set(row.seq, hash);
      prev = hash;
      expected = BigInt(row.seq) + 1n;
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]!.seq;
  }
  const trusted = new Set(trustedSigners.map((s) => s.toLowerCase()));
  const checkpointProblems: AuditProblem[] = [];
  for (const c of checkpoints.rows) {
    const message = checkpointMessage({
      uptoSeq: BigInt(c.upto_seq),
      count: BigInt(c.count),
      headHash: c.head_hash,
    });
    const recovered = await recoverMessageAddress({ message, signature: c.signature }).catch(
      () => null,
    );
    const fail = (text: string) =>
      checkpointProblems.push({ seq: c.upto_seq, kind: "checkpoint", message: text });
    if (recovered?.toLowerCase() !== c.signer) {
      fail(`The checkpoint at seq ${c.upto_seq} is not signed by ${c.signer}.`);
    } else if (!trusted.has(c.signer)) {
      fail(
        `The checkpoint at seq ${c.upto_seq} is signed by ${c.signer}, not by the expected signer ${[...trusted].join(" or ")}.`,
      );
    } else if (c.count !== c.upto_seq) {
      fail(
        `The checkpoint at seq ${c.upto_seq} counts ${c.count} events; the chain has ${c.upto_seq} there.`,
      );
    } else if (recomputed.get(c.upto_seq) !== c.head_hash) {
      fail(
        recomputed.has(c.upto_seq)
          ? `The signed head hash at seq ${c.upto_seq} differs from the chain recomputed from the rows: history before it was rewritten.`
          : `The checkpoint at seq ${c.upto_seq} points at an event that is no longer in the log.`,
      );
    }
  }
  const last = checkpoints.rows.at(-1);
  return {
    ok: !firstBroken && checkpointProblems.length === 0,
    events,
    checkpoints: checkpoints.rows.length,
    headHash: prev,
    firstBroken,
    checkpointProblems,
    latestCheckpoint: last
      ? { uptoSeq: last.upto_seq, signer: last.signer, createdAt: last.created_at.toISOString() }
      : null,
  };
}

function judge(row: EventRow, expected: bigint, prev: Hex): AuditProblem | null {
  const seq = row.seq;
  if (BigInt(seq) !== expected) {
    return { seq, kind: "gap", message: `Event ${expected} is missing: the log jumps to ${seq}.` };
  }
  if (row.prev_hash !== prev) {
    return {
      seq,
      kind: "prev_hash",
      message: `Event ${seq} does not point at the hash of event ${expected - 1n}.`,
    };
  }
  if (hashCanonical(row.payload) !== row.payload_hash) {
    return {
      seq,
      kind: "payload_hash",
      message: `Event ${seq}'s payload no longer matches its payload hash: it was edited.`,
    };
  }
  const hash = auditEventHash({
    seq: BigInt(seq),
    occurredAt: row.occurred_at,
    actor: row.actor,
    action: row.action,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    payloadHash: row.payload_hash,
    prevHash: row.prev_hash,
  });
  if (hash !== row.hash) {
    return {
      seq,
      kind: "hash",
      message: `Event ${seq}'s fields no longer match its hash (actor, action, subject or time was edited).`,
    };
  }
  return null;
}
