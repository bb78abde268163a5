import { sha256, stringToBytes, type Hex } from "viem";

/**
 * The hashing rules of the audit log, kept free of any database so that the verifier, the
 * evidence bundle and a reader with only a JSON export compute the same values.
 *
 * - payloadHash = sha256(canonicalJson(payload))
 * - hash        = sha256(canonicalJson({ seq, occurredAt, actor, action, subjectType,
 *                                        subjectId, payloadHash, prevHash }))
 * - prevHash of the first event is the zero hash.
 *
 * canonicalJson sorts object keys by UTF-16 code units at every level and writes no spaces.
 * Payloads hold strings, integers, booleans, null, arrays and objects only (jsonb keeps
 * those exactly; fractional numbers could come back spelled differently).
 */
export const ZERO_HASH = `0x${"0".repeat(64)}` as Hex;

export type AuditJson =
  string | number | boolean | null | AuditJson[] | { [key: string]: AuditJson };

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "string" || typeof value === "boolean") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new TypeError(`Audit payloads hold safe integers only (got ${value}).`);
    }
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new TypeError(`Audit payloads cannot hold a ${typeof value}.`);
}

export const hashCanonical = (value: unknown): Hex => sha256(stringToBytes(canonicalJson(value)));

export interface AuditLink {
  seq: bigint;
  occurredAt: Date;
  actor: string;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  payloadHash: Hex;
  prevHash: Hex;
}

/** The hash of one event: it covers every field and the previous event's hash. */
export function auditEventHash(e: AuditLink): Hex {
  return hashCanonical({
    seq: e.seq.toString(),
    occurredAt: e.occurredAt.toISOString(),
    actor: e.actor,
    action: e.action,
    subjectType: e.subjectType,
    subjectId: e.subjectId,
    payloadHash: e.payloadHash,
    prevHash: e.prevHash,
  });
}

/** The text a checkpoint signs (EIP-191 personal message): count and head of the chain. */
export function checkpointMessage(c: { uptoSeq: bigint; count: bigint; headHash: string }) {
  return [
    "Provenance audit checkpoint",
    `events: ${c.count}`,
    `up to seq: ${c.uptoSeq}`,
    `head hash: ${c.headHash}`,
  ].join("\n");
}
