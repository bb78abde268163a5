import { generateKeyPairSync } from "node:crypto";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { auditEventHash, checkpointMessage, hashCanonical, ZERO_HASH } from "@/lib/audit/hash";
import { signTeeResponse } from "@/lib/devnet/scenario/tee-signer";
import { agentActionDigest, agentActionTypedData } from "@/lib/evidence/agent-action";
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  evidenceBundleJsonSchema,
  type EvidenceBundle,
} from "@/lib/evidence/bundle";
import {
  incidentStatementDigest,
  incidentTypedData,
  INCIDENT_STATEMENT_TYPES,
  type IncidentStatement,
} from "@/lib/evidence/incident-statement";
import { buildStandardTree, proofFromTree, standardLeafHash } from "@/lib/evidence/merkle";
import { parsePythonJson } from "@/lib/evidence/python-json-parse";
import {
  canonicalRequest,
  teeIdFromPublicKey,
  teeOutputHash,
  teeRequestHash,
  type TeeChatRequest,
} from "@/lib/evidence/tee-hash";
import { CLAIM_KINDS, parseBundle, verifyBundle, type Claim } from "@/lib/evidence/verify-bundle";
import { flipChar } from "../helpers/flip";

/**
 * A bundle built from scratch by the rules in FACTS.md (RSA-PSS over keccak(request ‖ output
 * ‖ timestamp), StandardMerkleTree leaves, EIP-712 statements, the audit hash chain and its
 * EIP-191 checkpoint), with no database and no chain: the verifier's vectors.
 */
const agent = privateKeyToAccount(`0x${"11".repeat(32)}`);
const operator = privateKeyToAccount(`0x${"22".repeat(32)}`);
const auditor = privateKeyToAccount(`0x${"33".repeat(32)}`);
const auditKey = privateKeyToAccount(`0x${"44".repeat(32)}`);
const payer = `0x${"5a".repeat(20)}`;
const lower = (a: string) => a.toLowerCase();

async function buildBundle(): Promise<EvidenceBundle> {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const spki = `0x${publicKey.export({ type: "spki", format: "der" }).toString("hex")}`;
  const teeId = teeIdFromPublicKey(spki);
  const request =
    '{"model": "openai/gpt-4.1", "messages": [{"role": "user", "content": "Is 2 + 2 = 4?"}], "temperature": 1.0}';
  const reply = "Yes.";
  const requestHash = teeRequestHash(canonicalRequest(parsePythonJson(request) as TeeChatRequest));
  const outputHash = teeOutputHash(reply);
  const timestamp = "1795465357";
  const signature = signTeeResponse({
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    requestHash,
    outputHash,
    timestamp,
  });
  const signatureHex = `0x${Buffer.from(signature, "base64").toString("hex")}`;
  const value = [teeId, requestHash, outputHash, signatureHex, timestamp] as const;
  const other = [teeId, `0x${"01".repeat(32)}`, `0x${"02".repeat(32)}`, "0x1234", "1795465000"];
  const dump = buildStandardTree([value, other, other.map((v, i) => (i === 4 ? "1" : v))]);
  const leaf = dump.values[0]!;

  const first = {
    agent: agent.address,
    kind: "onchain_tx" as const,
    summary: "Sold 10 OPG on the answer",
    citedOutputs: [outputHash],
    citedActions: [],
    txHash: `0x${"77".repeat(32)}` as const,
    occurredAt: 1795465400n,
  };
  const firstDigest = agentActionDigest(8453, first);
  const second = {
    ...first,
    kind: "memory_write" as const,
    summary: "Remembered the trade",
    citedOutputs: [],
    citedActions: [firstDigest],
  };
  const action = async (m: typeof first | typeof second) => ({
    id: agentActionDigest(8453, m),
    digest: agentActionDigest(8453, m),
    chainId: 8453,
    message: {
      ...m,
      agent: lower(m.agent),
      citedOutputs: [...m.citedOutputs],
      citedActions: [...m.citedActions],
      occurredAt: m.occurredAt.toString(),
    },
    signature: await agent.signTypedData(agentActionTypedData(8453, m)),
  });

  const statement: IncidentStatement = {
    domain: { name: "Provenance incidents", version: "1", chainId: 10740 },
    message: {
      action: "declare",
      model: "llm:openai/gpt-4.1",
      badVersion: `pcr:0x${"ab".repeat(32)}`,
      badVersionLabel: "v1.1.0",
      rolledBackTo: "",
      windowFrom: "1795431203000",
      windowTo: "0",
      windowChainId: "0",
      windowFromBlock: "0",
      windowToBlock: "0",
      reason: "Wrong answers",
      evidenceLinks: [],
      supersedes: "",
      origin: "http://localhost:3000",
      nonce: `0x${"5a".repeat(32)}`,
      issuedAt: "1795450000000",
    },
  };
  const incidentId = "8f0d7a2e-4f7b-4d8e-9c3c-1d2e3f4a5b6c";
  const disputeId = "1b2c3d4e-5f60-4a1b-8c2d-3e4f5a6b7c8d";

  // The audit chain: an unrelated event, the dispute's three, and an unrelated one after.
  const payloads = [
    {
      actor: lower(operator.address),
      action: "user.role",
      subjectType: "user",
      subjectId: "x",
      payload: { role: "auditor" },
    },
    {
      actor: lower(auditor.address),
      action: "dispute.open",
      subjectType: "dispute",
      subjectId: disputeId,
      payload: { disputeId, outputHash, inferenceId: "inf_1", reason: "Was this v1.1.0?" },
    },
    {
      actor: lower(auditor.address),
      action: "dispute.comment",
      subjectType: "dispute",
      subjectId: disputeId,
      payload: { disputeId, commentId: "c1", body: "See the **trade**." },
    },
    {
      actor: lower(operator.address),
      action: "dispute.status",
      subjectType: "dispute",
      subjectId: disputeId,
      payload: { disputeId, commentId: "c2", from: "open", to: "under_review", note: "Looking." },
    },
    {
      actor: lower(operator.address),
      action: "dispute.link_incident",
      subjectType: "dispute",
      subjectId: disputeId,
      payload: { disputeId, commentId: "c3", from: null, incidentId, note: "Same window." },
    },
    { actor: "system", action: "other", subjectType: null, subjectId: null, payload: { n: 1 } },
  ];
  let prevHash = ZERO_HASH as string;
  const chain = payloads.map((p, i) => {
    const link = {
      seq: BigInt(i + 1),
      occurredAt: new Date(Date.UTC(2026, 10, 23, 12, 0, i)),
      actor: p.actor,
      action: p.action,
      subjectType: p.subjectType,
      subjectId: p.subjectId,
      payloadHash: hashCanonical(p.payload),
      prevHash: prevHash as `0x${string}`,
    };
    const hash = auditEventHash(link);
    prevHash = hash;
    return {
      ...link,
      seq: link.seq.toString(),
      occurredAt: link.occurredAt.toISOString(),
      hash,
      payload: p.payload,
    };
  });
  const head = chain.at(-1)!;
  const checkpoint = {
    uptoSeq: head.seq,
    count: head.seq,
    headHash: head.hash,
    signer: lower(auditKey.address),
    signature: await auditKey.signMessage({
      message: checkpointMessage({
        uptoSeq: BigInt(head.seq),
        count: BigInt(head.seq),
        headHash: head.hash,
      }),
    }),
  };
  const at = (i: number) => chain[i]!.occurredAt;
  const logRef = (n: number) => ({
    chainId: 10740,
    address: `0x${"0c".repeat(20)}`,
    blockNumber: String(100 + n),
    blockHash: `0x${String(n).padStart(2, "0").repeat(32)}`,
    txHash: `0x${String(n + 10)
      .padStart(2, "0")
      .repeat(32)}`,
    logIndex: n,
    orphanedAt: null,
  });

  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: "2026-11-23T12:00:00.000Z",
    origin: "http://localhost:3000",
    subject: { type: "dispute", id: disputeId, url: `http://localhost:3000/disputes/${disputeId}` },
    outputs: [
      {
        outputHash,
        inputHash: requestHash,
        inferenceId: "inf_1",
        url: "http://localhost:3000/inferences/inf_1",
        model: "llm:openai/gpt-4.1",
        version: { label: "v1.1.0", key: `pcr:0x${"ab".repeat(32)}` },
        occurredAt: "2026-11-23T11:42:37.000Z",
        payer,
        orphaned: null,
        signed: {
          teeId,
          requestHash,
          outputHash,
          timestamp,
          signature,
          from: "receipt",
          model: "openai/gpt-4.1",
        },
        payload: { request, reply },
        enclave: {
          teeId,
          publicKey: spki,
          pcrHash: `0x${"ab".repeat(32)}`,
          registration: { ...logRef(1), abiVersion: 2 },
          keyReadAtBlock: "101",
        },
        settlement: {
          ...logRef(2),
          kind: "batch",
          teeId: null,
          ethAddress: null,
          inputHash: null,
          outputHash: null,
          timestamp: null,
          signature: null,
          blobId: "blob-1",
          merkleRoot: dump.tree[0]!,
          batchSize: 3,
        },
        batchLeaf: {
          leafIndex: 0,
          value: [...value],
          leafHash: standardLeafHash(["bytes32", "bytes32", "bytes32", "bytes", "uint256"], value),
          proof: proofFromTree(dump.tree, leaf.treeIndex),
        },
        payments: [
          {
            ...logRef(3),
            chainId: 8453,
            address: `0x${"0d".repeat(20)}`,
            token: `0x${"0d".repeat(20)}`,
            from: payer,
            to: `0x${"9d".repeat(20)}`,
            value: "100000000000000000",
            allocated: "40000000000000000",
            method: "session_equal_split",
          },
        ],
      },
    ],
    outputsOmitted: 0,
    agentActions: [await action(first), await action(second)],
    incidents: [
      {
        id: incidentId,
        url: `http://localhost:3000/incidents/${incidentId}`,
        status: "confirmed",
        statement: {
          domain: statement.domain,
          types: {
            IncidentStatement: INCIDENT_STATEMENT_TYPES.IncidentStatement.map((f) => ({ ...f })),
          },
          primaryType: "IncidentStatement",
          message: { ...statement.message },
        },
        digest: incidentStatementDigest(statement),
        signature: await operator.signTypedData(incidentTypedData(statement)),
        operator: lower(operator.address),
        blastRadius: null,
      },
    ],
    disputes: [
      {
        id: disputeId,
        url: `http://localhost:3000/disputes/${disputeId}`,
        outputHash,
        status: "under_review",
        openedBy: lower(auditor.address),
        reason: "Was this v1.1.0?",
        incidentId,
        createdAt: at(1),
        entries: [
          {
            at: at(2),
            author: lower(auditor.address),
            kind: "comment",
            body: "See the **trade**.",
            statusFrom: null,
            statusTo: null,
            incidentId: null,
          },
          {
            at: at(3),
            author: lower(operator.address),
            kind: "status_change",
            body: "Looking.",
            statusFrom: "open",
            statusTo: "under_review",
            incidentId: null,
          },
          {
            at: at(4),
            author: lower(operator.address),
            kind: "incident_link",
            body: "Same window.",
            statusFrom: null,
            statusTo: null,
            incidentId,
          },
        ],
      },
    ],
    audit: {
      events: chain.slice(1, 5),
      // Links only: the chain leaves payloads out.
      chain: chain.slice(1).map((e) => {
        const link: Partial<typeof e> = { ...e };
        delete link.payload;
        return link as Omit<typeof e, "payload">;
      }),
      checkpoint,
    },
  };
}

const bundlePromise = buildBundle();

describe("the offline verifier, on a bundle built by FACTS.md's rules", () => {
  it("passes every claim, each kind present, and the bundle satisfies its schema", async () => {
    const bundle = await bundlePromise;
    expect(parseBundle(JSON.parse(JSON.stringify(bundle)))).toMatchObject({ ok: true });
    const claims = await verifyBundle(bundle);
    expect(
      claims.filter((c) => c.result !== "pass"),
      JSON.stringify(claims, null, 1),
    ).toEqual([]);
    // Every offline kind (the on-chain ones need --rpc and a chain).
    expect(new Set(claims.map((c) => c.kind))).toEqual(
      new Set(CLAIM_KINDS.filter((k) => !k.startsWith("onchain_"))),
    );
    expect(evidenceBundleJsonSchema().$schema).toBe("https://json-schema.org/draft/2020-12/schema");
  });

  const flips: [Claim["kind"], (b: EvidenceBundle) => [object, string, number]][] = [
    ["request_hash", (b) => [b.outputs[0]!.payload!, "request", 70]],
    ["output_hash", (b) => [b.outputs[0]!.payload!, "reply", 0]],
    ["enclave_key", (b) => [b.outputs[0]!.enclave!, "teeId", 20]],
    ["tee_signature", (b) => [b.outputs[0]!.signed!, "signature", 30]],
    ["settlement", (b) => [b.outputs[0]!.settlement!, "outputHash", 30]],
    ["merkle_proof", (b) => [b.outputs[0]!.batchLeaf!.proof, "0", 30]],
    ["payment", (b) => [b.outputs[0]!.payments[0]!, "from", 30]],
    ["agent_action", (b) => [b.agentActions[1]!, "signature", 30]],
    ["incident_statement", (b) => [b.incidents[0]!, "signature", 30]],
    ["dispute_thread", (b) => [b.disputes[0]!.entries[1]!, "body", 0]],
    ["audit_chain", (b) => [b.audit.chain[4]!, "payloadHash", 30]],
    ["audit_checkpoint", (b) => [b.audit.checkpoint!, "signature", 30]],
  ];

  it.each(flips)("one changed byte fails exactly %s", async (kind, at) => {
    const original = structuredClone(await bundlePromise);
    if (kind === "settlement") {
      // A batch leaf is also the Merkle proof's input; an individual settlement is its own.
      const o = original.outputs[0]!;
      Object.assign(o.settlement!, {
        kind: "individual",
        teeId: o.signed!.teeId,
        inputHash: o.inputHash,
        outputHash: o.outputHash,
        timestamp: o.signed!.timestamp,
        merkleRoot: null,
      });
      o.batchLeaf = null;
    }
    const before = await verifyBundle(original);
    const copy = structuredClone(original);
    const [holder, key, index] = at(copy);
    const record = holder as Record<string, string>;
    record[key] = flipChar(record[key]!, index);
    expect(JSON.stringify(copy).length).toBe(JSON.stringify(original).length);
    const after = await verifyBundle(copy);
    const changed = after.filter((c, i) => c.result !== before[i]!.result);
    expect(changed, JSON.stringify(changed, null, 1)).toHaveLength(1);
    expect(changed[0]).toMatchObject({ kind, result: "fail" });
  });

  it("a checkpoint by a signer you did not pin fails; an orphaned settlement fails saying so", async () => {
    const bundle = await bundlePromise;
    const pinned = await verifyBundle(bundle, { trustedSigners: [lower(operator.address)] });
    expect(pinned.find((c) => c.kind === "audit_checkpoint")).toMatchObject({
      result: "fail",
      detail: expect.stringMatching(/not a signer you trust/),
    });
    const orphaned = structuredClone(bundle);
    orphaned.outputs[0]!.settlement!.orphanedAt = "2026-11-23T12:30:00.000Z";
    const claims = await verifyBundle(orphaned);
    expect(claims.find((c) => c.kind === "settlement")).toMatchObject({
      result: "fail",
      detail: expect.stringMatching(/orphaned by a reorg at 2026-11-23T12:30:00.000Z/),
    });
  });

  it("an agent statement that cites nothing in the bundle fails; a non-bundle is refused by name", async () => {
    const bundle = structuredClone(await bundlePromise);
    bundle.agentActions = bundle.agentActions.slice(1);
    const claims = await verifyBundle(bundle);
    expect(claims.find((c) => c.kind === "agent_action")).toMatchObject({
      result: "fail",
      detail: expect.stringMatching(/cites no output of this bundle/),
    });
    const broken = JSON.parse(JSON.stringify(bundle)) as Record<string, unknown>;
    delete broken.audit;
    expect(parseBundle(broken)).toEqual({
      ok: false,
      error: expect.stringMatching(/^Not an evidence bundle: audit /),
    });
    expect(parseBundle({ format: "something else" })).toMatchObject({ ok: false });
  });
});
