import { Prisma } from "@/lib/db/generated/client";

/** Writes one row through the generated client, reads it back and compares. */
export type RoundTrip = (model: Prisma.ModelName, data: object) => Promise<Record<string, unknown>>;

/** A distinct, valid lowercase 32-byte hash. */
export function hash32(n: number): string {
  return `0x${n.toString(16).padStart(64, "0")}`;
}

/** A distinct, valid lowercase address. */
export function address(n: number): string {
  return `0x${n.toString(16).padStart(40, "0")}`;
}

/** Milliseconds only: timestamptz(3) keeps no more. */
export function at(iso: string): Date {
  return new Date(iso);
}

const UINT256_MAX = (2n ** 256n - 1n).toString();

/** The chain-derived columns of one log. */
export function logColumns(chainId: number, tx: number, logIndex: number) {
  return {
    chainId,
    blockNumber: 9_007_199_254_740_993n, // above 2^53: a bigint, not a JS number
    blockHash: hash32(0xb0000 + tx),
    txHash: hash32(0x70000 + tx),
    logIndex,
    orphanedAt: at("2026-03-01T00:00:00.123Z"),
  };
}

/**
 * One row of every model, each with every column set at least once across the calls,
 * linked the way the indexer and the app link them.
 */
export async function createOneOfEach(roundTrip: RoundTrip) {
  const chain = await roundTrip("Chain", {
    id: 10740,
    name: "OG EVM devnet",
    rpcUrl: "http://127.0.0.1:8545",
    finalityDepth: 12,
    headBlock: 1_000_600n,
    headSeenAt: at("2026-02-01T10:00:07.000Z"),
    createdAt: at("2026-01-01T00:00:00.000Z"),
  } satisfies Prisma.ChainUncheckedCreateInput);
  const chainId = chain.id as number;
  await roundTrip("Block", {
    chainId,
    number: 123n,
    hash: hash32(1),
    parentHash: hash32(2),
    timestamp: at("2026-02-01T10:00:00.001Z"),
    orphanedAt: at("2026-02-01T10:00:05.000Z"),
  } satisfies Prisma.BlockUncheckedCreateInput);
  const source = await roundTrip("Source", {
    chainId,
    kind: "settlement_relay",
    address: address(0xf1dc),
    abiVersion: 2,
    fromBlock: 1_000_000n,
    label: "Settlement relay (current)",
    config: { batchBlobBaseUrl: "http://127.0.0.1:9000", nested: { list: [1, "two", null] } },
    enabled: false,
    lastError: "eth_getLogs answered 503 Service Unavailable",
    lastErrorAt: at("2026-02-01T10:00:06.000Z"),
    unknownEvents: 3n,
    createdAt: at("2026-01-02T00:00:00.000Z"),
  } satisfies Prisma.SourceUncheckedCreateInput);
  const sourceId = source.id as string;
  await roundTrip("SourceCheckpoint", {
    sourceId,
    blockNumber: 1_000_500n,
    blockHash: hash32(3),
    updatedAt: at("2026-02-01T10:00:00.000Z"),
  } satisfies Prisma.SourceCheckpointUncheckedCreateInput);

  const registryEvent = await roundTrip("RegistryEvent", {
    ...logColumns(chainId, 1, 0),
    sourceId,
    blockTime: at("2026-02-01T09:59:48.000Z"),
    eventName: "PCRApproved",
    teeId: hash32(0x7ee),
    pcrHash: hash32(0x9c5),
    teeType: 0,
    version: "v1.1.0",
    owner: address(0x0e),
    data: { pcrHash: hash32(0x9c5), teeType: 0, version: "v1.1.0" },
  } satisfies Prisma.RegistryEventUncheckedCreateInput);
  await roundTrip("Enclave", {
    ...logColumns(chainId, 2, 1),
    sourceId,
    registryAddress: address(0x703c),
    teeId: hash32(0x7ee),
    owner: address(0x0e),
    paymentAddress: address(0x9dee),
    endpoint: "https://tee.example:443",
    publicKey: "0x30820122300d06092a864886f70d01010105000382010f00",
    pcrHash: hash32(0x9c5),
    teeType: 0,
    enabled: true,
    registeredAt: at("2026-02-01T09:00:00.000Z"),
    lastHeartbeatAt: at("2026-02-01T09:30:00.000Z"),
    keyReadAtBlock: 1_000_001n,
  } satisfies Prisma.EnclaveUncheckedCreateInput);
  await roundTrip("RuntimeImage", {
    chainId,
    pcrHash: hash32(0x9c5),
    teeType: 0,
    versionLabel: "v1.1.0",
    approvedAt: at("2026-02-01T08:00:00.000Z"),
    approvedBlock: 1_000_000n,
    revokedAt: at("2026-02-10T08:00:00.000Z"),
    revokedBlock: 1_100_000n,
    createdAt: at("2026-02-01T08:00:01.000Z"),
    updatedAt: at("2026-02-10T08:00:01.000Z"),
  } satisfies Prisma.RuntimeImageUncheckedCreateInput);

  const model = await roundTrip("Model", {
    name: "llm:openai/gpt-4.1",
    kind: "llm",
    displayName: "GPT-4.1",
    createdAt: at("2026-01-03T00:00:00.000Z"),
  } satisfies Prisma.ModelUncheckedCreateInput);
  const modelId = model.id as string;
  const lookalikeRow = await roundTrip("Model", {
    name: "llm:\u03bfpenai/gpt-4.1",
    kind: "llm",
    createdAt: at("2026-01-04T00:00:00.000Z"),
  } satisfies Prisma.ModelUncheckedCreateInput);
  await roundTrip("ModelLookalike", {
    name: "\u03bfpenai/gpt-4.1",
    knownModelId: modelId,
    modelId: lookalikeRow.id as string,
    skeleton: "openai/gpt-4.l",
    detectedAt: at("2026-01-04T00:00:01.000Z"),
  } satisfies Prisma.ModelLookalikeUncheckedCreateInput);
  const badVersion = await roundTrip("ModelVersion", {
    modelId,
    label: "v1.1.0",
    key: `pcr:${hash32(0x9c5)}`,
    pcrHash: hash32(0x9c5),
    createdAt: at("2026-02-01T08:00:00.000Z"),
  } satisfies Prisma.ModelVersionUncheckedCreateInput);
  const goodVersion = await roundTrip("ModelVersion", {
    modelId,
    label: "v1.0.0",
    key: "cid:QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
    contentId: "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
    hubRepo: "og/gpt-4.1-runtime",
  } satisfies Prisma.ModelVersionUncheckedCreateInput);
  await roundTrip("Deployment", {
    modelId,
    modelVersionId: badVersion.id as string,
    validFrom: at("2026-02-01T08:00:00.000Z"),
    validTo: at("2026-02-10T08:00:00.000Z"),
    recordedAt: at("2026-02-01T08:00:02.000Z"),
    supersededAt: at("2026-02-10T08:00:02.000Z"),
    basis: "approval",
    evidence: { registryEventId: registryEvent.id as string },
  } satisfies Prisma.DeploymentUncheckedCreateInput);

  const receipt = await roundTrip("Receipt", {
    raw: { tee_id: hash32(0x7ee), tee_signature: "c2lnbmF0dXJl" },
    contentKey: hash32(0xc0),
    teeId: hash32(0x7ee),
    requestHash: hash32(0x1a),
    outputHash: hash32(0x0a),
    teeTimestamp: 1_770_000_000n,
    signature: "c2lnbmF0dXJl",
    model: "openai/gpt-4.1",
    sessionId: "session-1",
    payer: address(0xa1),
    requestPayload: { model: "openai/gpt-4.1", messages: [{ role: "user", content: "hi" }] },
    replyText: "hello",
    receivedAt: at("2026-02-05T12:00:00.500Z"),
    signatureStatus: "valid",
    verificationReason: "RSA-PSS signature verified against the registered key",
    verifiedAt: at("2026-02-05T12:00:01.000Z"),
    requestAmount: new Prisma.Decimal("1500000000000000000"),
    amountSource: "opengradient.cost_opg",
  } satisfies Prisma.ReceiptUncheckedCreateInput);
  await roundTrip("LinkerAside", {
    step: "inferences",
    receiptId: receipt.id as string,
    error: "invalid base64 end sequence",
    sqlstate: "22023",
    fingerprint: "0cc175b9c0f1b6a831c399e269772661",
    attempts: 2,
    setAsideAt: at("2026-02-05T12:00:02.000Z"),
    retryAt: at("2026-02-05T14:00:02.000Z"),
  } satisfies Prisma.LinkerAsideUncheckedCreateInput);
  await roundTrip("LinkerHealth", {
    id: "linker",
    lastPassAt: at("2026-02-05T12:00:03.000Z"),
    lastSuccessAt: at("2026-02-05T12:00:01.000Z"),
    lastDurationMs: 412,
    lastError: "Step deployments failed: permission denied for table deployment",
    lastErrorAt: at("2026-02-05T12:00:03.000Z"),
    consecutiveFailures: 1,
    updatedAt: at("2026-02-05T12:00:03.000Z"),
  } satisfies Prisma.LinkerHealthUncheckedCreateInput);
  await roundTrip("ChainHeartbeat", {
    chainId,
    indexerPid: 4242,
    startedAt: at("2026-02-05T11:59:00.000Z"),
    beatAt: at("2026-02-05T12:00:04.000Z"),
    syncedAt: at("2026-02-05T12:00:02.000Z"),
    headBlock: 9_007_199_254_740_993n,
    rpcReachable: false,
    lastError: "fetch failed: connect ECONNREFUSED 127.0.0.1:8545",
    lastErrorAt: at("2026-02-05T12:00:03.000Z"),
    consecutiveFailures: 3,
    stoppedAt: at("2026-02-05T12:00:05.000Z"),
    stoppedReason: "Reorg deeper than finality on chain 10740 at block 120",
  } satisfies Prisma.ChainHeartbeatUncheckedCreateInput);
  const settlement = await roundTrip("Settlement", {
    ...logColumns(chainId, 3, 2),
    sourceId,
    blockTime: at("2026-02-01T09:59:48.000Z"),
    kind: "batch",
    teeId: hash32(0x7ee),
    ethAddress: address(0xa1),
    inputHash: hash32(0x1a),
    outputHash: hash32(0x0a),
    timestamp: at("2026-02-05T12:00:00.000Z"),
    blobId: "walrus-blob-1",
    signature: "0xdeadbeef",
    merkleRoot: hash32(0x3e),
    batchSize: 1,
    modelInfo: "openai/gpt-4.1",
    expandedAt: at("2026-02-05T12:05:00.000Z"),
    expansionError: "first fetch timed out; retried",
    expansionAttemptedAt: at("2026-02-01T10:30:00.000Z"),
  } satisfies Prisma.SettlementUncheckedCreateInput);
  const leaf = await roundTrip("BatchLeaf", {
    ...logColumns(chainId, 3, 2),
    settlementId: settlement.id as string,
    leafIndex: 0,
    treeIndex: 0,
    teeId: hash32(0x7ee),
    inputHash: hash32(0x1a),
    outputHash: hash32(0x0a),
    signature: "0xdeadbeef",
    timestamp: at("2026-02-05T12:00:00.000Z"),
    leafHash: hash32(0x1eaf),
    proof: [hash32(0x11), hash32(0x12)],
    proofValid: true,
  } satisfies Prisma.BatchLeafUncheckedCreateInput);
  const hubEvent = await roundTrip("HubEvent", {
    ...logColumns(chainId, 4, 0),
    sourceId,
    blockTime: at("2026-02-01T09:59:48.000Z"),
    eventName: "LLMCompletionEvent",
    inferenceId: "hub-inference-1",
    mode: 1,
    modelCid: "openai/gpt-4.1",
    request: { mode: 1, modelCID: "openai/gpt-4.1", prompt: "hi" },
    response: { answer: "hello" },
  } satisfies Prisma.HubEventUncheckedCreateInput);
  await roundTrip("WorkflowEvent", {
    ...logColumns(chainId, 5, 0),
    sourceId,
    blockTime: at("2026-02-01T09:59:48.000Z"),
    eventName: "TaskRegistered",
    user: address(0xa1),
    contractAddress: address(0xc0de),
    endTime: new Prisma.Decimal(UINT256_MAX),
    frequency: new Prisma.Decimal(3600),
    data: { endTime: UINT256_MAX, frequency: "3600" },
  } satisfies Prisma.WorkflowEventUncheckedCreateInput);

  const inference = await roundTrip("Inference", {
    id: `og:${chainId}:${settlement.txHash as string}:2:0`,
    modelId,
    modelVersionId: badVersion.id as string,
    inputHash: hash32(0x1a),
    outputHash: hash32(0x0a),
    occurredAt: at("2026-02-05T12:00:00.000Z"),
    teeId: hash32(0x7ee),
    signature: "0x7369676e6174757265",
    signatureStatus: "valid",
    verificationReason: "verified",
    receiptId: receipt.id as string,
    settlementId: settlement.id as string,
    batchLeafId: leaf.id as string,
    hubEventId: hubEvent.id as string,
    sessionId: "session-1",
    payer: address(0xa1),
    orphanedAt: at("2026-02-06T00:00:00.000Z"),
    createdAt: at("2026-02-05T12:00:02.000Z"),
    requestAmount: new Prisma.Decimal("1500000000000000000"),
    paymentCheckedAt: at("2026-02-05T12:03:00.000Z"),
  } satisfies Prisma.InferenceUncheckedCreateInput);
  const payment = await roundTrip("Payment", {
    ...logColumns(8453, 6, 7),
    sourceId,
    token: address(0xfbc2),
    fromAddress: address(0xa1),
    toAddress: address(0x9dee),
    value: new Prisma.Decimal(UINT256_MAX),
    settleEvent: "AuthorizationUsed",
    authorizer: address(0xa1),
    nonce: hash32(0x4011),
    sessionId: "session-1",
    occurredAt: at("2026-02-05T12:02:00.000Z"),
    allocationRevision: 2,
    allocatedCount: 1,
  } satisfies Prisma.PaymentUncheckedCreateInput);
  await roundTrip("PaymentAllocation", {
    paymentId: payment.id as string,
    inferenceId: inference.id as string,
    amount: new Prisma.Decimal("1500000000000000000"),
    method: "session_pro_rata",
    createdAt: at("2026-02-05T12:03:00.000Z"),
    revision: 2,
  } satisfies Prisma.PaymentAllocationUncheckedCreateInput);
  await roundTrip("AllocationRevision", {
    paymentId: payment.id as string,
    revision: 2,
    reason: "receipt_joined",
    method: "per_request_amount_scaled",
    inferenceCount: 1,
    allocations: [{ inferenceId: inference.id as string, amount: "1500000000000000000" }],
    recordedAt: at("2026-02-05T12:03:00.000Z"),
  } satisfies Prisma.AllocationRevisionUncheckedCreateInput);

  // Written directly here; the triggers keep it in step with inference (tested elsewhere).
  await roundTrip("InferenceRollup", {
    modelId,
    hour: at("2025-01-01T00:00:00.000Z"),
    modelVersionId: badVersion.id as string,
    signatureStatus: "invalid",
    orphaned: true,
    requests: 2_000_000_000,
    paid: new Prisma.Decimal(UINT256_MAX),
  } satisfies Prisma.InferenceRollupUncheckedCreateInput);

  const trade = await roundTrip("AgentAction", {
    agent: address(0xa9e),
    chainId: 8453,
    kind: "onchain_tx",
    summary: "Bought 10 OPG",
    txHash: hash32(0x7a),
    occurredAt: at("2026-02-05T12:10:00.000Z"),
    statement: { domain: { name: "Provenance" }, message: { cites: [hash32(0x0a)] } },
    signature: `0x${"ab".repeat(65)}`,
    contentKey: hash32(0xac1),
    receivedAt: at("2026-02-05T12:10:01.000Z"),
  } satisfies Prisma.AgentActionUncheckedCreateInput);
  const memory = await roundTrip("AgentAction", {
    agent: address(0xa9e),
    chainId: 8453,
    kind: "memory_write",
    summary: "Remembered the trade",
    occurredAt: at("2026-02-05T12:11:00.000Z"),
    statement: { message: { cites: [trade.id as string] } },
    signature: `0x${"cd".repeat(65)}`,
    contentKey: hash32(0xac2),
  } satisfies Prisma.AgentActionUncheckedCreateInput);
  await roundTrip("AgentActionCitation", {
    actionId: trade.id as string,
    outputHash: hash32(0x0a),
  } satisfies Prisma.AgentActionCitationUncheckedCreateInput);
  await roundTrip("AgentActionCitation", {
    actionId: memory.id as string,
    citedActionId: trade.id as string,
  } satisfies Prisma.AgentActionCitationUncheckedCreateInput);

  const incidentBase = {
    modelId,
    badVersionId: badVersion.id as string,
    rolledBackToVersionId: goodVersion.id as string,
    windowFrom: at("2026-02-01T08:00:00.000Z"),
    windowTo: at("2026-02-10T08:00:00.000Z"),
    windowChainId: chainId,
    windowFromBlock: 1_000_000n,
    windowToBlock: 1_100_000n,
    reason: "Runtime image v1.1.0 revoked: wrong tokenizer",
    evidenceLinks: ["https://example.org/postmortem", `/o/${hash32(0x0a)}`],
    statement: { types: { Incident: [] }, message: { reason: "wrong tokenizer" } },
    proposedFromEventId: registryEvent.id as string,
  };
  const proposed = await roundTrip("Incident", {
    ...incidentBase,
    createdAt: at("2026-02-10T08:01:00.000Z"),
  } satisfies Prisma.IncidentUncheckedCreateInput);
  const incident = await roundTrip("Incident", {
    ...incidentBase,
    operator: address(0x0b),
    signature: `0x${"ef".repeat(65)}`,
    statementDigest: hash32(0x0c),
    status: "confirmed",
    supersedesId: proposed.id as string,
  } satisfies Prisma.IncidentUncheckedCreateInput);
  const incidentId = incident.id as string;
  await roundTrip("BlastRadius", {
    incidentId,
    computedAt: at("2026-02-10T09:00:00.000Z"),
    summary: { outputs: 1, payments: 1, value: UINT256_MAX, actions: 2 },
    result: {
      outputs: [{ hash: hash32(0x0a), depth: 0 }],
      actions: [{ id: memory.id as string, depth: 2 }],
    },
  } satisfies Prisma.BlastRadiusUncheckedCreateInput);
  await roundTrip("Finding", {
    kind: "stale_after_rollback",
    severity: "warning",
    message: "Agent memory still derived from a rolled-back output",
    evidence: { actionId: memory.id as string },
    dedupeKey: `stale_after_rollback:${memory.id as string}`,
    inferenceId: inference.id as string,
    settlementId: settlement.id as string,
    paymentId: payment.id as string,
    receiptId: receipt.id as string,
    incidentId,
    modelId,
    subjectAt: at("2026-02-05T12:00:00.000Z"),
    detectedAt: at("2026-02-10T09:00:01.000Z"),
    resolvedAt: at("2026-02-11T09:00:00.000Z"),
  } satisfies Prisma.FindingUncheckedCreateInput);
  const dispute = await roundTrip("Dispute", {
    outputHash: hash32(0x0a),
    inferenceId: inference.id as string,
    openedBy: address(0xa0d),
    reason: "Answer produced by the revoked runtime",
    status: "under_review",
    incidentId,
    createdAt: at("2026-02-11T10:00:00.000Z"),
    updatedAt: at("2026-02-11T10:05:00.000Z"),
  } satisfies Prisma.DisputeUncheckedCreateInput);
  await roundTrip("DisputeComment", {
    disputeId: dispute.id as string,
    author: address(0xa0d),
    body: "Linked to the incident",
    kind: "status_change",
    statusFrom: "open",
    statusTo: "under_review",
    createdAt: at("2026-02-11T10:05:00.000Z"),
  } satisfies Prisma.DisputeCommentUncheckedCreateInput);
  await roundTrip("DisputeComment", {
    disputeId: dispute.id as string,
    author: address(0xa0d),
    body: "Caused by the v1.1.0 rollback",
    kind: "incident_link",
    incidentId,
    createdAt: at("2026-02-11T10:06:00.000Z"),
  } satisfies Prisma.DisputeCommentUncheckedCreateInput);

  const auditEvent = await roundTrip("AuditEvent", {
    occurredAt: at("2026-02-11T10:05:00.000Z"),
    actor: address(0xa0d),
    action: "dispute.status",
    subjectType: "dispute",
    subjectId: dispute.id as string,
    payload: { from: "open", to: "under_review" },
    payloadHash: hash32(0xaa1),
    prevHash: hash32(0),
    hash: hash32(0xaa2),
  } satisfies Prisma.AuditEventUncheckedCreateInput);
  await roundTrip("AuditCheckpoint", {
    uptoSeq: auditEvent.seq as bigint,
    count: 1n,
    headHash: hash32(0xaa2),
    signature: `0x${"12".repeat(65)}`,
    signer: address(0x5e),
    createdAt: at("2026-02-11T11:00:00.000Z"),
  } satisfies Prisma.AuditCheckpointUncheckedCreateInput);
  await roundTrip("ShareLink", {
    tokenHash: hash32(0x5a),
    scopeType: "dispute",
    scopeId: dispute.id as string,
    createdBy: address(0xa0d),
    expiresAt: at("2026-03-11T10:00:00.000Z"),
    revokedAt: at("2026-02-12T10:00:00.000Z"),
    createdAt: at("2026-02-11T10:06:00.000Z"),
  } satisfies Prisma.ShareLinkUncheckedCreateInput);
  const user = await roundTrip("User", {
    address: address(0xa0d),
    role: "auditor",
    createdAt: at("2026-01-05T00:00:00.000Z"),
    updatedAt: at("2026-01-06T00:00:00.000Z"),
  } satisfies Prisma.UserUncheckedCreateInput);
  await roundTrip("Session", {
    tokenHash: hash32(0x5e55),
    address: user.address as string,
    expiresAt: at("2026-02-12T10:00:00.000Z"),
    createdAt: at("2026-02-11T10:00:00.000Z"),
  } satisfies Prisma.SessionUncheckedCreateInput);
  await roundTrip("KnownAgent", {
    address: address(0xa6e),
    label: "Rebalancer",
    origin: "admin",
    addedBy: address(0xa0d),
    addedAt: at("2026-02-11T09:00:00.000Z"),
    retiredAt: at("2026-02-12T09:00:00.000Z"),
    retiredBy: address(0xa0d),
  } satisfies Prisma.KnownAgentUncheckedCreateInput);
  await roundTrip("AuthNonce", {
    nonce: "x7Rk2pQ9mLw4",
    expiresAt: at("2026-02-11T10:10:00.000Z"),
    usedAt: at("2026-02-11T10:01:00.000Z"),
    createdAt: at("2026-02-11T10:00:00.000Z"),
  } satisfies Prisma.AuthNonceUncheckedCreateInput);

  return { sourceId, inference, incident, proposed, trade, memory, dispute, auditEvent };
}
