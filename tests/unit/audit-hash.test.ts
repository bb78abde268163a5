import { recoverMessageAddress, sha256, stringToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import {
  auditEventHash,
  canonicalJson,
  checkpointMessage,
  hashCanonical,
  ZERO_HASH,
} from "@/lib/audit/hash";

const event = {
  seq: 1n,
  occurredAt: new Date("2026-11-23T10:00:00.123Z"),
  actor: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
  action: "incident.declare",
  subjectType: "incident",
  subjectId: "0b51a0be-e883-458c-ac05-218bf3aac625",
  payloadHash: hashCanonical({ reason: "v1.1.0", windowTo: null }),
  prevHash: ZERO_HASH,
};

const flipLastByte = (hex: string) =>
  `${hex.slice(0, -2)}${((parseInt(hex.slice(-2), 16) ^ 1) & 0xff).toString(16).padStart(2, "0")}`;

describe("the audit log's hashing rules", () => {
  it("writes canonical JSON: sorted keys at every level, no spaces, undefined dropped", () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null, "x"], c: "é" }, z: undefined })).toBe(
      '{"a":{"c":"é","d":[true,null,"x"]},"b":1}',
    );
    expect(() => canonicalJson({ n: 1.5 })).toThrow(/safe integers/);
  });

  it("hashes the payload as sha256 of its canonical JSON, whatever the key order", () => {
    expect(hashCanonical({ windowTo: null, reason: "v1.1.0" })).toBe(
      sha256(stringToBytes('{"reason":"v1.1.0","windowTo":null}')),
    );
  });

  it("hashes an event over every field and the previous hash (a documented vector)", () => {
    const expected = sha256(
      stringToBytes(
        canonicalJson({
          action: "incident.declare",
          actor: event.actor,
          occurredAt: "2026-11-23T10:00:00.123Z",
          payloadHash: event.payloadHash,
          prevHash: ZERO_HASH,
          seq: "1",
          subjectId: event.subjectId,
          subjectType: "incident",
        }),
      ),
    );
    expect(auditEventHash(event)).toBe(expected);
  });

  it("changes the hash when any field or one byte of the previous hash changes", () => {
    const base = auditEventHash(event);
    const variants = [
      { ...event, seq: 2n },
      { ...event, occurredAt: new Date(event.occurredAt.getTime() + 1) },
      { ...event, actor: "system" },
      { ...event, action: "incident.correct" },
      { ...event, subjectId: null },
      { ...event, payloadHash: flipLastByte(event.payloadHash) as `0x${string}` },
      { ...event, prevHash: flipLastByte(ZERO_HASH) as `0x${string}` },
    ];
    for (const v of variants) expect(auditEventHash(v)).not.toBe(base);
  });

  it("signs checkpoints as an EIP-191 message that recovers to the key, and not after one flipped byte", async () => {
    const key = privateKeyToAccount(`0x${"11".repeat(32)}`);
    const head = { uptoSeq: 100n, count: 100n, headHash: auditEventHash(event) };
    const message = checkpointMessage(head);
    expect(message).toBe(
      `Provenance audit checkpoint\nevents: 100\nup to seq: 100\nhead hash: ${head.headHash}`,
    );
    const signature = await key.signMessage({ message });
    expect(await recoverMessageAddress({ message, signature })).toBe(key.address);
    const tampered = checkpointMessage({ ...head, headHash: flipLastByte(head.headHash) });
    expect(await recoverMessageAddress({ message: tampered, signature })).not.toBe(key.address);
  });
});
