import "server-only";
import type pg from "pg";
import type { PrivateKeyAccount } from "viem/accounts";
import { appendAuditEvent, type AuditInput } from "@/lib/audit/append";
import { loadAuditSigner } from "@/lib/audit/signing-key";
import { verifyAuditLog, type AuditVerification } from "@/lib/audit/verify";
import { getPool } from "@/lib/db/client";
import { dataDir, getEnv } from "@/lib/env";

let signer: PrivateKeyAccount | undefined;

/** The server's checkpoint key (AUDIT_SIGNING_KEY, else the key file in DATA_DIR). */
export function getAuditSigner(): PrivateKeyAccount {
  signer ??= loadAuditSigner({
    key: getEnv().AUDIT_SIGNING_KEY,
    dataDir: dataDir(),
    env: getEnv(),
  });
  return signer;
}

/** Records a human action in the hash chain, inside the caller's transaction. */
export function recordAudit(client: pg.ClientBase, input: AuditInput) {
  return appendAuditEvent(client, input, {
    signer: getAuditSigner(),
    checkpointEvery: getEnv().AUDIT_CHECKPOINT_EVERY,
  });
}

/** Recomputes the chain and checks every checkpoint against this server's key. */
export function verifyAudit(): Promise<AuditVerification> {
  return verifyAuditLog(getPool(), [getAuditSigner().address]);
}

export interface AuditEntry {
  seq: string;
  occurredAt: string;
  actor: string;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  payload: unknown;
  payloadHash: string;
  prevHash: string;
  hash: string;
  checkpoint: { signer: string; signature: string } | null;
}

/** Entries of the log, newest first, before `beforeSeq` when paging. */
export async function listAuditEvents(args: {
  limit: number;
  beforeSeq?: string;
  actor?: string;
  action?: string;
}): Promise<{ entries: AuditEntry[]; nextBefore: string | null }> {
  const { rows } = await getPool().query<{
    seq: string;
    occurred_at: Date;
    actor: string;
    action: string;
    subject_type: string | null;
    subject_id: string | null;
    payload: unknown;
    payload_hash: string;
    prev_hash: string;
    hash: string;
    signer: string | null;
    signature: string | null;
  }>(
    `SELECT e.seq::text, e.occurred_at, e.actor, e.action, e.subject_type, e.subject_id, e.payload,
            e.payload_hash, e.prev_hash, e.hash, c.signer, c.signature
       FROM audit_event e LEFT JOIN audit_checkpoint c ON c.upto_seq = e.seq
      WHERE ($1::bigint IS NULL OR e.seq < $1) AND ($2::text IS NULL OR e.actor = $2)
        AND ($3::text IS NULL OR e.action = $3)
      ORDER BY e.seq DESC LIMIT $4`,
    [args.beforeSeq ?? null, args.actor ?? null, args.action ?? null, args.limit + 1],
  );
  const entries = rows.slice(0, args.limit).map((r) => ({
    seq: r.seq,
    occurredAt: r.occurred_at.toISOString(),
    actor: r.actor,
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    payload: r.payload,
    payloadHash: r.payload_hash,
    prevHash: r.prev_hash,
    hash: r.hash,
    checkpoint: r.signer && r.signature ? { signer: r.signer, signature: r.signature } : null,
  }));
  return { entries, nextBefore: rows.length > args.limit ? entries.at(-1)!.seq : null };
}

/** Audit entries about one subject (an incident, a user), oldest first. */
export async function listAuditEventsFor(subjectType: string, subjectId: string) {
  const { rows } = await getPool().query<{
    seq: string;
    occurred_at: Date;
    actor: string;
    action: string;
    hash: string;
  }>(
    `SELECT seq::text, occurred_at, actor, action, hash FROM audit_event
      WHERE subject_type = $1 AND subject_id = $2 ORDER BY audit_event.seq`,
    [subjectType, subjectId],
  );
  return rows.map((r) => ({ ...r, occurredAt: r.occurred_at.toISOString() }));
}
