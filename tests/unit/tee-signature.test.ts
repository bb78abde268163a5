import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEVNET_ENCLAVE_KEYS } from "@/lib/devnet/scenario/enclave-keys";
import { signTeeResponse } from "@/lib/devnet/scenario/tee-signer";
import { parsePythonJson } from "@/lib/evidence/python-json-parse";
import { type TeeChatRequest } from "@/lib/evidence/tee-hash";
import { verifyTeeSignature, type TeeSignatureInput } from "@/lib/evidence/tee-signature";
import {
  CHAT_REQUEST_VECTORS,
  REPLY_VECTOR,
  SIGNED_MESSAGE_VECTOR,
} from "@/tests/fixtures/tee-gateway-vectors";

const [enclaveA, enclaveB] = DEVNET_ENCLAVE_KEYS as [
  (typeof DEVNET_ENCLAVE_KEYS)[number],
  (typeof DEVNET_ENCLAVE_KEYS)[number],
];
const SALT = new Uint8Array(32).fill(0x42);
const [, chatVector] = CHAT_REQUEST_VECTORS;
const request = parsePythonJson(chatVector.request) as TeeChatRequest;

/** A response as the gateway would return it: hashes without 0x, base64 signature. */
function signedResponse(): TeeSignatureInput {
  const fields = {
    requestHash: chatVector.hash.slice(2),
    outputHash: REPLY_VECTOR.hash.slice(2),
    timestamp: 1767225600,
  };
  const signature = signTeeResponse({
    privateKeyPem: enclaveA.privateKeyPem,
    ...fields,
    salt: SALT,
  });
  return {
    publicKey: enclaveA.publicKeyDer,
    teeId: enclaveA.teeId,
    ...fields,
    signature,
    payload: { request, reply: REPLY_VECTOR.text },
  };
}

/** Flips the lowest bit of byte `index` of a hex string (with or without 0x). */
function flipHexByte(hex: string, index: number): string {
  const prefix = hex.startsWith("0x") ? "0x" : "";
  const bytes = Buffer.from(hex.slice(prefix.length), "hex");
  bytes[index] = (bytes[index] as number) ^ 0x01;
  return prefix + bytes.toString("hex");
}

function flipBase64Byte(base64: string, index: number): string {
  const bytes = Buffer.from(base64, "base64");
  bytes[index] = (bytes[index] as number) ^ 0x01;
  return bytes.toString("base64");
}

describe("verifyTeeSignature()", () => {
  it("accepts a response signed as the gateway signs, with both hashes recomputed", () => {
    expect(verifyTeeSignature(signedResponse())).toEqual({ ok: true });
  });

  it("accepts a signature made by Python's cryptography exactly as tee_manager.sign_data makes it", () => {
    const { requestHash, outputHash, timestamp, pythonSignature } = SIGNED_MESSAGE_VECTOR;
    const input = { requestHash, outputHash, timestamp, signature: pythonSignature };
    expect(
      verifyTeeSignature({ publicKey: enclaveA.publicKeyDer, teeId: enclaveA.teeId, ...input }),
    ).toEqual({ ok: true });
  });

  it("reports bad_signature when one byte of the signature is flipped", () => {
    const input = signedResponse();
    const result = verifyTeeSignature({
      ...input,
      signature: flipBase64Byte(input.signature, 100),
    });
    expect(result).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("reports request_hash_mismatch when the signed request hash is changed by one byte", () => {
    const input = signedResponse();
    const result = verifyTeeSignature({ ...input, requestHash: flipHexByte(input.requestHash, 0) });
    expect(result).toMatchObject({ ok: false, reason: "request_hash_mismatch" });
  });

  it("reports bad_signature for a changed request hash when no payload is at hand", () => {
    const input = { ...signedResponse(), payload: undefined };
    const result = verifyTeeSignature({
      ...input,
      requestHash: flipHexByte(input.requestHash, 31),
    });
    expect(result).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("reports request_hash_mismatch when the request's model string differs", () => {
    const input = signedResponse();
    const swapped = { ...request, model: "anthropic/claude-sonnet-4-6" };
    const result = verifyTeeSignature({
      ...input,
      payload: { ...input.payload, request: swapped },
    });
    expect(result).toMatchObject({ ok: false, reason: "request_hash_mismatch" });
  });

  it("reports output_hash_mismatch when the reply text changed by one byte", () => {
    const input = signedResponse();
    const reply = REPLY_VECTOR.text.replace("B", "b");
    const result = verifyTeeSignature({ ...input, payload: { ...input.payload, reply } });
    expect(result).toMatchObject({ ok: false, reason: "output_hash_mismatch" });
  });

  it("reports bad_signature when the output hash or the timestamp is changed without a payload", () => {
    const input = { ...signedResponse(), payload: undefined };
    const changedOutput = { ...input, outputHash: flipHexByte(input.outputHash, 7) };
    expect(verifyTeeSignature(changedOutput)).toMatchObject({ reason: "bad_signature" });
    const changedTime = { ...input, timestamp: 1767225601 };
    expect(verifyTeeSignature(changedTime)).toMatchObject({ reason: "bad_signature" });
  });

  it("reports key_mismatch when one byte of the public key is flipped and tee_id is given", () => {
    const input = signedResponse();
    const publicKey = flipHexByte(enclaveA.publicKeyDer, 100);
    expect(verifyTeeSignature({ ...input, publicKey })).toMatchObject({ reason: "key_mismatch" });
  });

  it("reports bad_signature for a flipped modulus byte, or another enclave's key, without tee_id", () => {
    const input = { ...signedResponse(), teeId: undefined };
    const flipped = flipHexByte(enclaveA.publicKeyDer, 100);
    expect(verifyTeeSignature({ ...input, publicKey: flipped })).toMatchObject({
      reason: "bad_signature",
    });
    const other = { ...input, publicKey: enclaveB.publicKeyDer.slice(2) };
    expect(verifyTeeSignature(other)).toMatchObject({ reason: "bad_signature" });
  });

  it("checks the key before the hashes: a wrong tee_id wins over a wrong reply", () => {
    const input = signedResponse();
    const result = verifyTeeSignature({
      ...input,
      teeId: enclaveB.teeId,
      payload: { ...input.payload, reply: "tampered" },
    });
    expect(result).toMatchObject({ ok: false, reason: "key_mismatch" });
  });

  it("reports malformed_key for non-hex, a broken DER header and a non-RSA key", () => {
    const input = { ...signedResponse(), teeId: undefined };
    expect(verifyTeeSignature({ ...input, publicKey: "0xzz" })).toMatchObject({
      reason: "malformed_key",
    });
    const brokenHeader = flipHexByte(enclaveA.publicKeyDer, 0);
    expect(verifyTeeSignature({ ...input, publicKey: brokenHeader })).toMatchObject({
      reason: "malformed_key",
    });
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey;
    const ecDer = ec.export({ type: "spki", format: "der" });
    const result = verifyTeeSignature({ ...input, publicKey: new Uint8Array(ecDer) });
    expect(result).toMatchObject({ ok: false, reason: "malformed_key" });
  });

  it("reports malformed_signature for non-base64 and for a signature of the wrong length", () => {
    const input = signedResponse();
    expect(verifyTeeSignature({ ...input, signature: "not base64!" })).toMatchObject({
      reason: "malformed_signature",
    });
    const truncated = Buffer.from(input.signature, "base64").subarray(0, 255).toString("base64");
    expect(verifyTeeSignature({ ...input, signature: truncated })).toMatchObject({
      reason: "malformed_signature",
    });
  });

  it("never throws, whatever it is given", () => {
    const garbage = {
      publicKey: "",
      requestHash: "zz",
      outputHash: "",
      timestamp: "soon",
      signature: "",
      payload: { request: { messages: "none" } as unknown as TeeChatRequest, reply: "" },
    };
    expect(() => verifyTeeSignature(garbage)).not.toThrow();
    expect(verifyTeeSignature(garbage).ok).toBe(false);
    const input = { ...signedResponse(), payload: undefined };
    expect(verifyTeeSignature({ ...input, timestamp: "1.5" })).toMatchObject({
      reason: "bad_signature",
    });
  });
});

describe("signTeeResponse()", () => {
  const { requestHash, outputHash, timestamp, deterministicSignature } = SIGNED_MESSAGE_VECTOR;
  const fields = { privateKeyPem: enclaveA.privateKeyPem, requestHash, outputHash, timestamp };

  it("is deterministic with a salt, and matches the signature Python's cryptography accepted", () => {
    expect(signTeeResponse({ ...fields, salt: SALT })).toBe(deterministicSignature);
    expect(signTeeResponse({ ...fields, salt: SALT })).toBe(deterministicSignature);
  });

  it("uses a random salt without one, and every such signature verifies", () => {
    const first = signTeeResponse(fields);
    const second = signTeeResponse(fields);
    expect(first).not.toBe(second);
    for (const signature of [first, second]) {
      const input = { publicKey: enclaveA.publicKeyDer, requestHash, outputHash, timestamp };
      expect(verifyTeeSignature({ ...input, signature })).toEqual({ ok: true });
    }
  });

  it("refuses a salt that is not 32 bytes", () => {
    expect(() => signTeeResponse({ ...fields, salt: new Uint8Array(20) })).toThrow(TypeError);
  });
});
