import { hashTypedData, recoverTypedDataAddress, type Hex } from "viem";

/**
 * What an operator signs to mark a rollback: EIP-712 typed data under the domain
 * `{ name: "Provenance incidents", version: "1", chainId }` (chainId: the chain the wallet
 * was on). Times are unix milliseconds; 0 means "none" for windowTo (still live) and for the
 * block fields (window given as times). `origin` binds the statement to one deployment of
 * this app and `nonce` + `issuedAt` make each statement unique, so a signed statement
 * cannot be replayed elsewhere or twice.
 */
export const INCIDENT_STATEMENT_TYPES = {
  IncidentStatement: [
    { name: "action", type: "string" },
    { name: "model", type: "string" },
    { name: "badVersion", type: "string" },
    { name: "badVersionLabel", type: "string" },
    { name: "rolledBackTo", type: "string" },
    { name: "windowFrom", type: "uint64" },
    { name: "windowTo", type: "uint64" },
    { name: "windowChainId", type: "uint64" },
    { name: "windowFromBlock", type: "uint64" },
    { name: "windowToBlock", type: "uint64" },
    { name: "reason", type: "string" },
    { name: "evidenceLinks", type: "string[]" },
    { name: "supersedes", type: "string" },
    { name: "origin", type: "string" },
    { name: "nonce", type: "bytes32" },
    { name: "issuedAt", type: "uint64" },
  ],
} as const;

export const INCIDENT_DOMAIN_NAME = "Provenance incidents";

/** declare: a new incident. confirm: signs a proposal. correct: supersedes a signed one. */
export const INCIDENT_ACTIONS = ["declare", "confirm", "correct"] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

/** The message as it travels in JSON: integers as decimal strings. */
export interface IncidentMessage {
  action: IncidentAction;
  model: string;
  /** The bad version's key within the model ("pcr:0x…" or "cid:…"). */
  badVersion: string;
  badVersionLabel: string;
  /** The version rolled back to, by key; "" when none is named. */
  rolledBackTo: string;
  windowFrom: string;
  windowTo: string;
  windowChainId: string;
  windowFromBlock: string;
  windowToBlock: string;
  reason: string;
  evidenceLinks: string[];
  /** The incident this one supersedes (confirm, correct); "" for a declaration. */
  supersedes: string;
  origin: string;
  nonce: Hex;
  issuedAt: string;
}

export interface IncidentStatement {
  domain: { name: string; version: string; chainId: number };
  message: IncidentMessage;
}

/** The envelope viem and wallets sign (integers as bigint). */
export function incidentTypedData(s: IncidentStatement) {
  const m = s.message;
  return {
    domain: s.domain,
    types: INCIDENT_STATEMENT_TYPES,
    primaryType: "IncidentStatement" as const,
    message: {
      ...m,
      windowFrom: BigInt(m.windowFrom),
      windowTo: BigInt(m.windowTo),
      windowChainId: BigInt(m.windowChainId),
      windowFromBlock: BigInt(m.windowFromBlock),
      windowToBlock: BigInt(m.windowToBlock),
      issuedAt: BigInt(m.issuedAt),
    },
  };
}

/** The EIP-712 digest: the statement's identity (a replay has the same digest). */
export function incidentStatementDigest(s: IncidentStatement): Hex {
  return hashTypedData(incidentTypedData(s));
}

/** Who signed the statement, or null when the signature is malformed. */
export async function recoverIncidentSigner(s: IncidentStatement, signature: Hex) {
  try {
    const address = await recoverTypedDataAddress({ ...incidentTypedData(s), signature });
    return address.toLowerCase();
  } catch {
    return null;
  }
}
