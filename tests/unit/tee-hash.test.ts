import { keccak256, toBytes } from "viem";
import { describe, expect, it } from "vitest";
import { DEVNET_ENCLAVE_KEYS } from "@/lib/devnet/scenario/enclave-keys";
import { parsePythonJson } from "@/lib/evidence/python-json-parse";
import { pythonJsonDumps } from "@/lib/evidence/python-json";
import {
  canonicalRequest,
  teeIdFromPublicKey,
  teeOutputHash,
  teeRequestHash,
  teeSignedMessage,
  type TeeChatRequest,
} from "@/lib/evidence/tee-hash";
import {
  CHAT_REQUEST_VECTORS,
  REPLY_VECTOR,
  SIGNED_MESSAGE_VECTOR,
  TOOL_CALLS_VECTOR,
} from "@/tests/fixtures/tee-gateway-vectors";

function parseRequest(text: string): TeeChatRequest {
  return parsePythonJson(text) as TeeChatRequest;
}

describe("canonicalRequest() and teeRequestHash()", () => {
  for (const vector of CHAT_REQUEST_VECTORS) {
    it(`reproduce Python's bytes and hash for ${vector.name}`, () => {
      const canonical = canonicalRequest(parseRequest(vector.request));
      expect(pythonJsonDumps(canonical, { sortKeys: true })).toBe(vector.canonical);
      expect(teeRequestHash(canonical)).toBe(vector.hash);
    });
  }

  it("ignores fields the gateway does not sign (stream, top_p, n, tool_choice, user)", () => {
    const [, full] = CHAT_REQUEST_VECTORS;
    const request = parseRequest(full.request) as Record<string, unknown>;
    for (const field of ["stream", "top_p", "n", "tool_choice"]) delete request[field];
    request.user = "someone-else";
    expect(teeRequestHash(canonicalRequest(request as TeeChatRequest))).toBe(full.hash);
  });

  it("hashes an integer temperature as a float, as float(temperature) does", () => {
    const asInt = canonicalRequest({ model: "m", messages: [], temperature: 1 });
    const asFloat = canonicalRequest(
      parseRequest('{"model": "m", "messages": [], "temperature": 1.0}'),
    );
    expect(teeRequestHash(asInt)).toBe(teeRequestHash(asFloat));
  });

  it("changes the hash when a 1.0 inside tools is read as 1 (why requests go through parsePythonJson)", () => {
    const [, full] = CHAT_REQUEST_VECTORS;
    const viaJsonParse = JSON.parse(full.request) as TeeChatRequest;
    expect(teeRequestHash(canonicalRequest(viaJsonParse))).not.toBe(full.hash);
  });

  it("refuses a role the gateway rejects, and a request with no model", () => {
    const unknownRole = { model: "m", messages: [{ role: "narrator", content: "x" }] };
    expect(() => canonicalRequest(unknownRole)).toThrow(/Unknown message role/);
    expect(() => canonicalRequest({ messages: [] })).toThrow(TypeError);
  });
});

describe("teeOutputHash()", () => {
  it("hashes the UTF-8 of the reply text", () => {
    expect(teeOutputHash(REPLY_VECTOR.text)).toBe(REPLY_VECTOR.hash);
  });

  it("hashes tool calls as json.dumps(tool_calls, sort_keys=True)", () => {
    expect(teeOutputHash(TOOL_CALLS_VECTOR.calls)).toBe(TOOL_CALLS_VECTOR.hash);
  });

  it("ignores a streamed delta's index, which the gateway does not hash", () => {
    const streamed = TOOL_CALLS_VECTOR.calls.map((call, index) => ({ index, ...call }));
    expect(teeOutputHash(streamed)).toBe(TOOL_CALLS_VECTOR.hash);
  });

  it("changes when the reply changes by one character", () => {
    expect(teeOutputHash(REPLY_VECTOR.text.replace("?", "!"))).not.toBe(REPLY_VECTOR.hash);
  });
});

describe("teeSignedMessage()", () => {
  const { requestHash, outputHash, timestamp, message } = SIGNED_MESSAGE_VECTOR;

  it("packs requestHash ‖ outputHash ‖ uint256 big-endian timestamp as Python does", () => {
    expect(teeSignedMessage(requestHash, outputHash, timestamp)).toBe(message);
  });

  it("accepts hashes with or without 0x in any case, and the timestamp as string or bigint", () => {
    const upper = `0x${requestHash.toUpperCase()}`;
    expect(teeSignedMessage(upper, `0x${outputHash}`, String(timestamp))).toBe(message);
    expect(teeSignedMessage(requestHash, outputHash, BigInt(timestamp))).toBe(message);
  });

  it("refuses a short hash, a fractional timestamp and a negative one", () => {
    expect(() => teeSignedMessage("ab", outputHash, timestamp)).toThrow(TypeError);
    expect(() => teeSignedMessage(requestHash, outputHash, 1.5)).toThrow(RangeError);
    expect(() => teeSignedMessage(requestHash, outputHash, -1)).toThrow(RangeError);
  });
});

describe("teeIdFromPublicKey()", () => {
  it("is keccak256 of the DER bytes, given as 0x-hex, bare hex or bytes", () => {
    const { publicKeyDer, teeId } = DEVNET_ENCLAVE_KEYS[0]!;
    expect(teeId).toBe(keccak256(toBytes(publicKeyDer)));
    expect(teeIdFromPublicKey(publicKeyDer.slice(2))).toBe(teeId);
    expect(teeIdFromPublicKey(toBytes(publicKeyDer))).toBe(teeId);
  });

  it("gives the three devnet enclaves three different ids", () => {
    expect(new Set(DEVNET_ENCLAVE_KEYS.map((key) => key.teeId)).size).toBe(3);
  });
});
