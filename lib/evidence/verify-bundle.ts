import {
  hashTypedData,
  hexToBytes,
  recoverMessageAddress,
  recoverTypedDataAddress,
  type Hex,
} from "viem";
import { auditEventHash, checkpointMessage, hashCanonical } from "@/lib/audit/hash";
import { AGENT_ACTION_TYPES, agentActionDomain } from "./agent-action";
import {
  type BundleAgentAction,
  type BundleOutput,
  type EvidenceBundle,
  evidenceBundleSchema,
} from "./bundle";
import {
  INCIDENT_DOMAIN_NAME,
  INCIDENT_STATEMENT_TYPES,
  incidentStatementDigest,
  recoverIncidentSigner,
  type IncidentStatement,
} from "./incident-statement";
import { BATCH_LEAF_ENCODING, standardLeafHash, verifyMerkleProof } from "./merkle";
import { parsePythonJson } from "./python-json-parse";
import {
  canonicalRequest,
  teeIdFromPublicKey,
  teeOutputHash,
  teeRequestHash,
  teeSignedMessage,
  type TeeChatRequest,
} from "./tee-hash";

/**
 * Re-checks an evidence bundle with nothing but the bundle: no database, no network. Runs the
 * same in Node (the `provenance-verify` bin) and in the browser ("verify in your browser"):
 * RSA-PSS goes through WebCrypto, everything else through viem's pure hashing.
 *
 * Each claim is checked on its own, from the fields it is about, so a changed byte fails the
 * claim that byte belongs to and leaves the others standing.
 */
export const CLAIM_KINDS = [
  "request_hash",
  "output_hash",
  "enclave_key",
  "tee_signature",
  "settlement",
  "merkle_proof",
  "payment",
  "agent_action",
  "incident_statement",
  "dispute_thread",
  "audit_chain",
  "audit_checkpoint",
  "onchain_enclave",
  "onchain_settlement",
  "onchain_payment",
] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

/** pass, fail, or skip (nothing to check, e.g. no payload shared, or no --rpc for a chain). */
export type ClaimResult = "pass" | "fail" | "skip";

export interface Claim {
  kind: ClaimKind;
  /** What the claim is about, e.g. "output 0x12ab…" or "agent action 0x…". */
  subject: string;
  result: ClaimResult;
  /** One sentence for a person. */
  detail: string;
}

export interface VerifyOptions {
  /** Checkpoint signers to trust (lowercase addresses); when given, any other signer fails. */
  trustedSigners?: readonly string[];
}

export type BundleParse = { ok: true; bundle: EvidenceBundle } | { ok: false; error: string };

/** Validates a parsed JSON value against the bundle schema; the error names the first bad field. */
export function parseBundle(value: unknown): BundleParse {
  const parsed = evidenceBundleSchema.safeParse(value);
  if (parsed.success) return { ok: true, bundle: parsed.data };
  const issue = parsed.error.issues[0]!;
  const at = issue.path.length ? issue.path.join(".") : "the bundle";
  return { ok: false, error: `Not an evidence bundle: ${at} ${issue.message}` };
}

/** Every offline claim of the bundle, in the order a reader follows them. */
export async function verifyBundle(
  bundle: EvidenceBundle,
  options: VerifyOptions = {},
): Promise<Claim[]> {
  const claims: Claim[] = [];
  for (const output of bundle.outputs) claims.push(...(await checkOutput(output)));
  const outputHashes = new Set(bundle.outputs.map((o) => o.outputHash));
  if (bundle.subject.type !== "incident") outputHashes.add(bundle.subject.id.toLowerCase());
  for (const d of bundle.disputes) outputHashes.add(d.outputHash);
  claims.push(...(await checkAgentActions(bundle.agentActions, outputHashes)));
  for (const incident of bundle.incidents) claims.push(await checkIncident(incident));
  for (const dispute of bundle.disputes) claims.push(checkDispute(dispute, bundle));
  claims.push(...(await checkAudit(bundle, options)));
  return claims;
}

export const short = (hex: string) => (hex.length > 14 ? `${hex.slice(0, 10)}…` : hex);
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

const claim = (kind: ClaimKind, subject: string, result: ClaimResult, detail: string): Claim => ({
  kind,
  subject,
  result,
  detail,
});

async function checkOutput(o: BundleOutput): Promise<Claim[]> {
  const subject = `output ${short(o.outputHash)}`;
  const claims: Claim[] = [];
  const s = o.signed;
  if (!s) {
    claims.push(
      claim(
        "tee_signature",
        subject,
        "skip",
        "No signed response is recorded for it (an on-chain inference without a TEE signature).",
      ),
    );
  }
  if (s) {
    claims.push(checkRequestHash(subject, s.requestHash, o.payload?.request ?? null));
    claims.push(checkOutputHash(subject, s.outputHash, o.payload?.reply ?? null));
    claims.push(checkEnclaveKey(subject, s.teeId, o.enclave));
    claims.push(await checkTeeSignature(subject, s, o.enclave?.publicKey ?? null));
  }
  claims.push(...checkSettlement(subject, o));
  for (const p of o.payments) claims.push(checkPayment(subject, o, p));
  return claims;
}

function checkRequestHash(subject: string, signed: string, request: string | null): Claim {
  if (request === null) {
    return claim(
      "request_hash",
      subject,
      "skip",
      "The request was not shared, so its hash cannot be recomputed.",
    );
  }
  let computed: Hex;
  try {
    const parsed = parsePythonJson(request);
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new TypeError("the request is not a JSON object");
    }
    computed = teeRequestHash(canonicalRequest(parsed as TeeChatRequest));
  } catch (error) {
    return claim(
      "request_hash",
      subject,
      "fail",
      `The request cannot be canonicalised: ${describe(error)}.`,
    );
  }
  return computed === signed
    ? claim(
        "request_hash",
        subject,
        "pass",
        `The shared request hashes to the signed request hash ${short(signed)}.`,
      )
    : claim(
        "request_hash",
        subject,
        "fail",
        `The shared request hashes to ${computed}, but the enclave signed ${signed}.`,
      );
}

function checkOutputHash(subject: string, signed: string, reply: string | null): Claim {
  if (reply === null) {
    return claim(
      "output_hash",
      subject,
      "skip",
      "The reply was not shared, so its hash cannot be recomputed.",
    );
  }
  const computed = teeOutputHash(reply);
  return computed === signed
    ? claim(
        "output_hash",
        subject,
        "pass",
        `The shared reply hashes to the signed output hash ${short(signed)}.`,
      )
    : claim(
        "output_hash",
        subject,
        "fail",
        `The shared reply hashes to ${computed}, but the enclave signed ${signed}.`,
      );
}

function checkEnclaveKey(subject: string, teeId: string, enclave: BundleOutput["enclave"]): Claim {
  if (!enclave) {
    return claim(
      "enclave_key",
      subject,
      "fail",
      `No registered key for enclave ${short(teeId)} is in the bundle.`,
    );
  }
  const derived = teeIdFromPublicKey(enclave.publicKey);
  const r = enclave.registration;
  const where = `read from registry ${r.address} on chain ${r.chainId} (block ${r.blockNumber}, tx ${short(r.txHash)})`;
  if (derived !== enclave.teeId) {
    return claim(
      "enclave_key",
      subject,
      "fail",
      `keccak256(publicKey) is ${derived}, not the registered tee_id ${enclave.teeId}.`,
    );
  }
  if (enclave.teeId !== teeId) {
    return claim(
      "enclave_key",
      subject,
      "fail",
      `The response names enclave ${teeId}, but the key is enclave ${enclave.teeId}'s.`,
    );
  }
  if (r.orphanedAt) {
    return claim(
      "enclave_key",
      subject,
      "fail",
      `The registration ${where} was orphaned by a reorg at ${r.orphanedAt}.`,
    );
  }
  return claim(
    "enclave_key",
    subject,
    "pass",
    `keccak256(publicKey) equals tee_id ${short(teeId)}; key ${where}.`,
  );
}

async function checkTeeSignature(
  subject: string,
  s: NonNullable<BundleOutput["signed"]>,
  publicKey: string | null,
): Promise<Claim> {
  if (!publicKey) {
    return claim(
      "tee_signature",
      subject,
      "fail",
      "The bundle holds no enclave key to check the signature with.",
    );
  }
  let valid: boolean;
  try {
    valid = await rsaPssVerify(
      publicKey as Hex,
      s.signature,
      teeSignedMessage(s.requestHash, s.outputHash, s.timestamp),
    );
  } catch (error) {
    return claim(
      "tee_signature",
      subject,
      "fail",
      `The signature cannot be checked: ${describe(error)}.`,
    );
  }
  return valid
    ? claim(
        "tee_signature",
        subject,
        "pass",
        `RSA-PSS signature (from the ${s.from.replace("_", " ")}) by enclave ${short(s.teeId)} over the request hash, output hash and time ${s.timestamp} verifies.`,
      )
    : claim(
        "tee_signature",
        subject,
        "fail",
        "The RSA-PSS signature does not match the enclave key, the hashes and the timestamp.",
      );
}

/**
 * RSA-PSS (SHA-256, MGF1-SHA-256, salt 32) through WebCrypto. The enclave signs the 32-byte
 * keccak digest as its message (PSS hashes it again), so it is verified as a message.
 */
async function rsaPssVerify(spki: Hex, signatureBase64: string, message: Hex): Promise<boolean> {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureBase64))
    throw new Error("the signature is not base64");
  const signature = Uint8Array.from(atob(signatureBase64), (c) => c.charCodeAt(0));
  const subtle = globalThis.crypto.subtle;
  const bytes = (hex: Hex) => new Uint8Array(hexToBytes(hex));
  const key = await subtle.importKey(
    "spki",
    bytes(spki),
    { name: "RSA-PSS", hash: "SHA-256" },
    false,
    ["verify"],
  );
  return subtle.verify({ name: "RSA-PSS", saltLength: 32 }, key, signature, bytes(message));
}

function checkSettlement(subject: string, o: BundleOutput): Claim[] {
  const st = o.settlement;
  if (!st) {
    return [claim("settlement", subject, "skip", "No settlement of this output is recorded.")];
  }
  const where = `${st.kind.replace(/_/g, " ")} settlement on chain ${st.chainId}, block ${st.blockNumber}, tx ${short(st.txHash)} log ${st.logIndex}`;
  const mismatches: string[] = [];
  const expect = (field: string, recorded: string | null, signed: string | undefined) => {
    if (recorded !== null && signed !== undefined && recorded !== signed) {
      mismatches.push(`${field} ${recorded} ≠ ${signed}`);
    }
  };
  const s = o.signed;
  const claims: Claim[] = [];
  if (st.kind === "batch" || st.kind === "legacy_batch") {
    const leaf = o.batchLeaf;
    if (!leaf)
      return [
        claim(
          "settlement",
          subject,
          "fail",
          `The ${where} is a batch, but the bundle holds no leaf for this output.`,
        ),
      ];
    const [teeId, inputHash, outputHash, , timestamp] = leaf.value;
    expect("leaf output hash", outputHash, o.outputHash);
    expect("leaf input hash", inputHash, o.inputHash);
    expect("leaf tee_id", teeId, s?.teeId);
    expect("leaf timestamp", timestamp, s?.timestamp);
    claims.push(checkMerkle(subject, st.merkleRoot, leaf));
  } else {
    expect("output hash", st.outputHash, o.outputHash);
    expect("input hash", st.inputHash, o.inputHash);
    expect("tee_id", st.teeId, s?.teeId);
    expect("timestamp", st.timestamp, s?.timestamp);
  }
  if (mismatches.length) {
    claims.unshift(
      claim(
        "settlement",
        subject,
        "fail",
        `The ${where} records other values: ${mismatches.join("; ")}.`,
      ),
    );
  } else if (st.orphanedAt) {
    claims.unshift(
      claim(
        "settlement",
        subject,
        "fail",
        `The ${where} was orphaned by a reorg at ${st.orphanedAt}; it no longer stands.`,
      ),
    );
  } else {
    claims.unshift(
      claim("settlement", subject, "pass", `The ${where} records this output's hashes.`),
    );
  }
  return claims;
}

function checkMerkle(
  subject: string,
  root: string | null,
  leaf: NonNullable<BundleOutput["batchLeaf"]>,
): Claim {
  if (!root)
    return claim("merkle_proof", subject, "fail", "The batch settlement has no Merkle root.");
  let leafHash: Hex;
  try {
    leafHash = standardLeafHash(BATCH_LEAF_ENCODING, leaf.value);
  } catch (error) {
    return claim(
      "merkle_proof",
      subject,
      "fail",
      `The leaf cannot be encoded: ${describe(error)}.`,
    );
  }
  if (leafHash !== leaf.leafHash) {
    return claim(
      "merkle_proof",
      subject,
      "fail",
      `The leaf value hashes to ${leafHash}, not the leaf hash ${leaf.leafHash}.`,
    );
  }
  return verifyMerkleProof(root as Hex, leafHash, leaf.proof as Hex[])
    ? claim(
        "merkle_proof",
        subject,
        "pass",
        `Leaf ${leaf.leafIndex} and its ${leaf.proof.length}-step proof lead to the settled root ${short(root)}.`,
      )
    : claim(
        "merkle_proof",
        subject,
        "fail",
        `The proof of leaf ${leaf.leafIndex} does not lead to the settled root ${root}.`,
      );
}

function checkPayment(
  subject: string,
  o: BundleOutput,
  p: BundleOutput["payments"][number],
): Claim {
  const what = `payment tx ${short(p.txHash)} log ${p.logIndex} on chain ${p.chainId}`;
  if (p.token !== p.address) {
    return claim(
      "payment",
      subject,
      "fail",
      `The ${what} names token ${p.token} but was emitted by ${p.address}.`,
    );
  }
  if (BigInt(p.allocated) > BigInt(p.value)) {
    return claim(
      "payment",
      subject,
      "fail",
      `The ${what} allocates ${p.allocated} to this output, more than its value ${p.value}.`,
    );
  }
  if (o.payer && p.from !== o.payer) {
    return claim(
      "payment",
      subject,
      "fail",
      `The ${what} was paid by ${p.from}, but the receipt names payer ${o.payer}.`,
    );
  }
  if (p.orphanedAt) {
    return claim(
      "payment",
      subject,
      "fail",
      `The ${what} was orphaned by a reorg at ${p.orphanedAt}.`,
    );
  }
  return claim(
    "payment",
    subject,
    "pass",
    `The ${what} moved ${p.value} base units of token ${short(p.token)} from ${short(p.from)} to ${short(p.to)}; ${p.allocated} of them (${p.method.replace(/_/g, " ")}) cover this output.`,
  );
}

/** Each action's signature, and that it depends on an output of the bundle (directly or through cited actions). */
async function checkAgentActions(
  actions: BundleAgentAction[],
  outputs: Set<string>,
): Promise<Claim[]> {
  const typed = actions.map((a) => ({
    domain: agentActionDomain(a.chainId),
    types: AGENT_ACTION_TYPES,
    primaryType: "AgentAction" as const,
    message: {
      ...a.message,
      agent: a.message.agent as Hex,
      txHash: a.message.txHash as Hex,
      citedOutputs: a.message.citedOutputs as Hex[],
      citedActions: a.message.citedActions as Hex[],
      occurredAt: BigInt(a.message.occurredAt),
    },
  }));
  const digests = typed.map((t) => {
    try {
      return hashTypedData(t);
    } catch {
      return null;
    }
  });
  // Which actions reach an output: cite one, or cite (by recomputed digest) an action that does.
  const reaches = new Set<string>();
  for (let changed = true; changed;) {
    changed = false;
    actions.forEach((a, i) => {
      const d = digests[i];
      if (!d || reaches.has(d)) return;
      if (
        a.message.citedOutputs.some((h) => outputs.has(h)) ||
        a.message.citedActions.some((h) => reaches.has(h))
      ) {
        reaches.add(d);
        changed = true;
      }
    });
  }
  return Promise.all(
    actions.map(async (a, i): Promise<Claim> => {
      const subject = `agent action ${short(a.digest)}`;
      const digest = digests[i];
      if (!digest)
        return claim(
          "agent_action",
          subject,
          "fail",
          "The statement cannot be encoded as EIP-712 typed data.",
        );
      if (digest !== a.digest) {
        return claim(
          "agent_action",
          subject,
          "fail",
          `The statement hashes to ${digest}, not the digest ${a.digest} it is cited by.`,
        );
      }
      let signer: string;
      try {
        signer = (
          await recoverTypedDataAddress({ ...typed[i]!, signature: a.signature as Hex })
        ).toLowerCase();
      } catch (error) {
        return claim(
          "agent_action",
          subject,
          "fail",
          `The signature is malformed: ${describe(error)}.`,
        );
      }
      if (signer !== a.message.agent) {
        return claim(
          "agent_action",
          subject,
          "fail",
          `The EIP-712 signature recovers ${signer}, not the agent ${a.message.agent}.`,
        );
      }
      if (!reaches.has(digest)) {
        return claim(
          "agent_action",
          subject,
          "fail",
          "The statement cites no output of this bundle, directly or through the actions it cites.",
        );
      }
      return claim(
        "agent_action",
        subject,
        "pass",
        `Signed by agent ${short(signer)} (EIP-712, chain ${a.chainId}); ${a.message.kind}: "${a.message.summary.slice(0, 80)}", depends on this bundle's output.`,
      );
    }),
  );
}

async function checkIncident(incident: EvidenceBundle["incidents"][number]): Promise<Claim> {
  const subject = `incident ${incident.id}`;
  const st = incident.statement;
  if (
    st.primaryType !== "IncidentStatement" ||
    JSON.stringify(st.types.IncidentStatement) !==
      JSON.stringify(INCIDENT_STATEMENT_TYPES.IncidentStatement) ||
    st.domain.name !== INCIDENT_DOMAIN_NAME
  ) {
    return claim(
      "incident_statement",
      subject,
      "fail",
      "The statement is not a Provenance incident statement (its EIP-712 types or domain differ).",
    );
  }
  const statement = { domain: st.domain, message: st.message } as unknown as IncidentStatement;
  let digest: Hex;
  try {
    digest = incidentStatementDigest(statement);
  } catch (error) {
    return claim(
      "incident_statement",
      subject,
      "fail",
      `The statement cannot be encoded: ${describe(error)}.`,
    );
  }
  if (digest !== incident.digest) {
    return claim(
      "incident_statement",
      subject,
      "fail",
      `The statement hashes to ${digest}, not the recorded digest ${incident.digest}.`,
    );
  }
  const signer = await recoverIncidentSigner(statement, incident.signature as Hex);
  if (signer !== incident.operator) {
    return claim(
      "incident_statement",
      subject,
      "fail",
      `The EIP-712 signature recovers ${signer ?? "nothing"}, not the operator ${incident.operator}.`,
    );
  }
  const m = statement.message;
  return claim(
    "incident_statement",
    subject,
    "pass",
    `Operator ${short(signer)} signed "${m.action}" of ${m.model} ${m.badVersionLabel} (EIP-712, chain ${String(st.domain.chainId)}).`,
  );
}

/** The thread as the bundle shows it must be the thread the audit log recorded, entry by entry. */
function checkDispute(dispute: EvidenceBundle["disputes"][number], bundle: EvidenceBundle): Claim {
  const subject = `dispute ${dispute.id}`;
  const events = bundle.audit.events.filter(
    (e) => e.subjectType === "dispute" && e.subjectId === dispute.id,
  );
  const opened = events.find((e) => e.action === "dispute.open");
  if (!opened)
    return claim(
      "dispute_thread",
      subject,
      "fail",
      "The audit entries hold no dispute.open event for it.",
    );
  const p = opened.payload;
  if (
    p.reason !== dispute.reason ||
    p.outputHash !== dispute.outputHash ||
    opened.actor !== dispute.openedBy
  ) {
    return claim(
      "dispute_thread",
      subject,
      "fail",
      "The reason, output or author differ from the audit log's dispute.open entry.",
    );
  }
  const later = events.filter((e) => e !== opened);
  if (later.length !== dispute.entries.length) {
    return claim(
      "dispute_thread",
      subject,
      "fail",
      `The thread has ${dispute.entries.length} entries; the audit log recorded ${later.length}.`,
    );
  }
  for (const [i, entry] of dispute.entries.entries()) {
    const e = later[i]!;
    const p = e.payload;
    const text = (e.action === "dispute.comment" ? p.body : p.note) as string | undefined;
    const to = (p.to ?? null) as string | null;
    const linked =
      e.action === "dispute.link_incident" ? ((p.incidentId ?? null) as string | null) : null;
    if (
      e.actor !== entry.author ||
      text !== entry.body ||
      to !== entry.statusTo ||
      linked !== entry.incidentId
    ) {
      return claim(
        "dispute_thread",
        subject,
        "fail",
        `Entry ${i + 1} of the thread differs from audit entry seq ${e.seq} (${e.action}).`,
      );
    }
  }
  const lastStatus = [...later].reverse().find((e) => e.action === "dispute.status");
  const status = (lastStatus?.payload.to as string | undefined) ?? "open";
  if (status !== dispute.status) {
    return claim(
      "dispute_thread",
      subject,
      "fail",
      `The status is shown as ${dispute.status}; the audit log ends at ${status}.`,
    );
  }
  const lastLink = [...later].reverse().find((e) => e.action === "dispute.link_incident");
  const incident = (lastLink?.payload.incidentId as string | null | undefined) ?? null;
  if (incident !== dispute.incidentId) {
    return claim(
      "dispute_thread",
      subject,
      "fail",
      `The linked incident is shown as ${dispute.incidentId ?? "none"}; the audit log ends at ${incident ?? "none"}.`,
    );
  }
  return claim(
    "dispute_thread",
    subject,
    "pass",
    `Reason, ${dispute.entries.length} thread entries and status ${status} match the audit log.`,
  );
}

async function checkAudit(bundle: EvidenceBundle, options: VerifyOptions): Promise<Claim[]> {
  const { events, chain, checkpoint } = bundle.audit;
  if (events.length === 0) {
    return [
      claim("audit_chain", "audit log", "skip", "No audit entries concern this bundle's subjects."),
    ];
  }
  return [checkAuditChain(events, chain), await checkCheckpoint(chain, checkpoint, options)];
}

type AuditLinkJson = EvidenceBundle["audit"]["chain"][number];
const toLink = (l: AuditLinkJson) => ({
  seq: BigInt(l.seq),
  occurredAt: new Date(l.occurredAt),
  actor: l.actor,
  action: l.action,
  subjectType: l.subjectType,
  subjectId: l.subjectId,
  payloadHash: l.payloadHash as Hex,
  prevHash: l.prevHash as Hex,
});

function checkAuditChain(events: EvidenceBundle["audit"]["events"], chain: AuditLinkJson[]): Claim {
  const subject = "audit log";
  const bySeq = new Map(chain.map((l) => [l.seq, l]));
  for (const [i, link] of chain.entries()) {
    if (auditEventHash(toLink(link)) !== link.hash) {
      return claim(
        "audit_chain",
        subject,
        "fail",
        `Audit entry seq ${link.seq} (${link.action}) does not hash to its recorded hash.`,
      );
    }
    const prev = chain[i - 1];
    if (prev && (BigInt(link.seq) !== BigInt(prev.seq) + 1n || link.prevHash !== prev.hash)) {
      return claim(
        "audit_chain",
        subject,
        "fail",
        `The chain breaks between seq ${prev.seq} and seq ${link.seq}.`,
      );
    }
  }
  for (const e of events) {
    const link = bySeq.get(e.seq);
    if (!link)
      return claim(
        "audit_chain",
        subject,
        "fail",
        `Audit entry seq ${e.seq} is not in the bundled chain.`,
      );
    if (hashCanonical(e.payload) !== e.payloadHash) {
      return claim(
        "audit_chain",
        subject,
        "fail",
        `The payload of audit entry seq ${e.seq} (${e.action}) does not hash to its payload hash.`,
      );
    }
    const fields = [
      "occurredAt",
      "actor",
      "action",
      "subjectType",
      "subjectId",
      "payloadHash",
      "prevHash",
      "hash",
    ] as const;
    const differs = fields.find((f) => e[f] !== link[f]);
    if (differs)
      return claim(
        "audit_chain",
        subject,
        "fail",
        `Audit entry seq ${e.seq} differs from the chain in ${differs}.`,
      );
  }
  return claim(
    "audit_chain",
    subject,
    "pass",
    `${events.length} entries sit unbroken in a chain of ${chain.length} links (seq ${chain[0]?.seq}–${chain.at(-1)?.seq}), each hash recomputed.`,
  );
}

async function checkCheckpoint(
  chain: AuditLinkJson[],
  checkpoint: EvidenceBundle["audit"]["checkpoint"],
  options: VerifyOptions,
): Promise<Claim> {
  const subject = "audit checkpoint";
  if (!checkpoint) {
    return claim(
      "audit_checkpoint",
      subject,
      "fail",
      "No signed checkpoint covers the audit entries.",
    );
  }
  const head = chain.at(-1);
  if (!head || head.seq !== checkpoint.uptoSeq || head.hash !== checkpoint.headHash) {
    return claim(
      "audit_checkpoint",
      subject,
      "fail",
      `The checkpoint (seq ${checkpoint.uptoSeq}, head ${short(checkpoint.headHash)}) is not the head of the bundled chain.`,
    );
  }
  if (checkpoint.count !== checkpoint.uptoSeq) {
    return claim(
      "audit_checkpoint",
      subject,
      "fail",
      `The checkpoint counts ${checkpoint.count} events up to seq ${checkpoint.uptoSeq}; seqs run without gaps.`,
    );
  }
  let signer: string;
  try {
    const message = checkpointMessage({
      uptoSeq: BigInt(checkpoint.uptoSeq),
      count: BigInt(checkpoint.count),
      headHash: checkpoint.headHash,
    });
    signer = (
      await recoverMessageAddress({ message, signature: checkpoint.signature as Hex })
    ).toLowerCase();
  } catch (error) {
    return claim(
      "audit_checkpoint",
      subject,
      "fail",
      `The checkpoint signature is malformed: ${describe(error)}.`,
    );
  }
  if (signer !== checkpoint.signer) {
    return claim(
      "audit_checkpoint",
      subject,
      "fail",
      `The checkpoint signature recovers ${signer}, not the named signer ${checkpoint.signer}.`,
    );
  }
  const trusted = options.trustedSigners?.map((a) => a.toLowerCase());
  if (trusted?.length && !trusted.includes(signer)) {
    return claim(
      "audit_checkpoint",
      subject,
      "fail",
      `The checkpoint is signed by ${signer}, which is not a signer you trust (${trusted.join(", ")}).`,
    );
  }
  const pin = trusted?.length
    ? "a signer you trust"
    : "the deployment's audit key (pin it with --signer)";
  return claim(
    "audit_checkpoint",
    subject,
    "pass",
    `Checkpoint of ${checkpoint.count} events up to seq ${checkpoint.uptoSeq} is signed (EIP-191) by ${signer}, ${pin}.`,
  );
}
