import { hashTypedData } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { incidentStatementSchema } from "@/lib/api/schemas/incidents";
import {
  incidentStatementDigest,
  incidentTypedData,
  INCIDENT_STATEMENT_TYPES,
  recoverIncidentSigner,
  type IncidentStatement,
} from "@/lib/evidence/incident-statement";

const operator = privateKeyToAccount(`0x${"22".repeat(32)}`);

const statement: IncidentStatement = {
  domain: { name: "Provenance incidents", version: "1", chainId: 10740 },
  message: {
    action: "declare",
    model: "llm:openai/gpt-4.1",
    badVersion: `pcr:0x${"ab".repeat(32)}`,
    badVersionLabel: "v1.1.0",
    rolledBackTo: `pcr:0x${"0b".repeat(32)}`,
    windowFrom: "1795431203000",
    windowTo: "1795441540000",
    windowChainId: "10740",
    windowFromBlock: "70",
    windowToBlock: "106",
    reason: "v1.1.0 returned wrong answers",
    evidenceLinks: ["https://status.example.org/postmortem"],
    supersedes: "",
    origin: "http://localhost:3000",
    nonce: `0x${"5a".repeat(32)}`,
    issuedAt: "1795450000000",
  },
};

describe("incident statements (EIP-712)", () => {
  it("digests as EIP-712 typed data with integers as uint64", () => {
    const m = statement.message;
    expect(incidentStatementDigest(statement)).toBe(
      hashTypedData({
        domain: statement.domain,
        types: INCIDENT_STATEMENT_TYPES,
        primaryType: "IncidentStatement",
        message: {
          ...m,
          windowFrom: 1795431203000n,
          windowTo: 1795441540000n,
          windowChainId: 10740n,
          windowFromBlock: 70n,
          windowToBlock: 106n,
          issuedAt: 1795450000000n,
        },
      }),
    );
    expect(incidentStatementSchema.parse(statement)).toEqual(statement);
  });

  it("recovers the operator from the signature, and someone else after any change", async () => {
    const signature = await operator.signTypedData(incidentTypedData(statement));
    expect(await recoverIncidentSigner(statement, signature)).toBe(operator.address.toLowerCase());
    const changed: IncidentStatement[] = [
      { ...statement, message: { ...statement.message, reason: "nothing happened" } },
      { ...statement, message: { ...statement.message, windowTo: "1795441540001" } },
      { ...statement, message: { ...statement.message, evidenceLinks: [] } },
      { ...statement, domain: { ...statement.domain, chainId: 8453 } },
    ];
    for (const c of changed) {
      expect(await recoverIncidentSigner(c, signature)).not.toBe(operator.address.toLowerCase());
    }
    const flipped = `${signature.slice(0, 10)}${((parseInt(signature.slice(10, 12), 16) ^ 1) & 0xff).toString(16).padStart(2, "0")}${signature.slice(12)}`;
    expect(await recoverIncidentSigner(statement, flipped as `0x${string}`)).not.toBe(
      operator.address.toLowerCase(),
    );
    expect(await recoverIncidentSigner(statement, "0x00")).toBeNull();
  });

  it("refuses statements for another domain, and non-numeric integers", () => {
    expect(
      incidentStatementSchema.safeParse({
        ...statement,
        domain: { ...statement.domain, name: "Other" },
      }).success,
    ).toBe(false);
    const bad = incidentStatementSchema.safeParse({
      ...statement,
      message: { ...statement.message, windowFrom: "soon" },
    });
    expect(bad.error?.issues[0]?.path).toEqual(["message", "windowFrom"]);
  });
});
