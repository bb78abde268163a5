import { constants, createPublicKey, verify, type KeyObject } from "node:crypto";
import { hexToBytes } from "viem";
import { bytesFromLooseHex, normalizeHex32 } from "./hex-input";
import {
  canonicalRequest,
  teeIdFromPublicKey,
  teeOutputHash,
  teeRequestHash,
  teeSignedMessage,
  type TeeChatRequest,
  type TeeToolCall,
} from "./tee-hash";

/** Why a signed TEE response did not verify; each names the one record that disagrees. */
export type TeeSignatureFailure =
  | "key_mismatch"
  | "request_hash_mismatch"
  | "output_hash_mismatch"
  | "bad_signature"
  | "malformed_signature"
  | "malformed_key";

/** Outcome of {@link verifyTeeSignature}; `detail` is a sentence for people, not for code. */
export type TeeSignatureCheck =
  { ok: true } | { ok: false; reason: TeeSignatureFailure; detail: string };

/** The fields of a signed gateway response, with the enclave key from the registry. */
export interface TeeSignatureInput {
  /** DER SubjectPublicKeyInfo (`getTEE(teeId).publicKey`), hex with or without `0x`, or bytes. */
  publicKey: string | Uint8Array;
  /** `tee_id`; when given it must equal keccak256(publicKey). */
  teeId?: string;
  /** `tee_request_hash`, hex with or without `0x`. */
  requestHash: string;
  /** `tee_output_hash`, hex with or without `0x`. */
  outputHash: string;
  /** `tee_timestamp`, unix seconds. */
  timestamp: number | bigint | string;
  /** `tee_signature`, standard base64. */
  signature: string;
  /** The request the client sent and the reply it got, when at hand: both hashes are recomputed. */
  payload?: { request?: TeeChatRequest; reply?: string | readonly TeeToolCall[] };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Verifies a TEE gateway signature, checking in order: keccak256(publicKey) == teeId (when
 * teeId is given), the recomputed request and output hashes (when the payload is given),
 * then RSA-PSS (SHA-256, MGF1-SHA-256, salt length 32) over keccak256(requestHash ‖
 * outputHash ‖ uint256 timestamp). Never throws: every bad input is a failure reason.
 */
export function verifyTeeSignature(input: TeeSignatureInput): TeeSignatureCheck {
  try {
    return check(input);
  } catch (error) {
    // Every expected failure is answered above; this keeps the promise for the unexpected.
    return fail("bad_signature", `Verification could not run: ${describe(error)}`);
  }
}

function check(input: TeeSignatureInput): TeeSignatureCheck {
  let keyBytes: Uint8Array;
  try {
    keyBytes =
      typeof input.publicKey === "string" ? bytesFromLooseHex(input.publicKey) : input.publicKey;
  } catch (error) {
    return fail("malformed_key", `Public key is not hex: ${describe(error)}`);
  }
  if (input.teeId !== undefined) {
    const derived = teeIdFromPublicKey(keyBytes);
    if (!sameHex32(input.teeId, derived)) {
      return fail("key_mismatch", `keccak256(publicKey) is ${derived}, not tee_id ${input.teeId}`);
    }
  }
  const key = parseRsaKey(keyBytes);
  if (typeof key === "string") return fail("malformed_key", key);

  const hashFailure = checkPayload(input);
  if (hashFailure) return hashFailure;

  if (!BASE64.test(input.signature)) {
    return fail("malformed_signature", "Signature is not standard base64");
  }
  const signature = Buffer.from(input.signature, "base64");
  const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  if (signature.length !== modulusBytes) {
    return fail(
      "malformed_signature",
      `Signature has ${signature.length} bytes; the ${modulusBytes * 8}-bit key signs ${modulusBytes}`,
    );
  }
  let message: Uint8Array;
  try {
    message = hexToBytes(teeSignedMessage(input.requestHash, input.outputHash, input.timestamp));
  } catch (error) {
    return fail("bad_signature", `The signed message cannot be rebuilt: ${describe(error)}`);
  }
  // Note: the gateway (tee_manager.py::sign_data) passes the 32-byte keccak digest to
  // `private_key.sign(data, PSS(MGF1(SHA256), salt_length=32), SHA256())`, i.e. as the
  // *message*: PSS hashes it again with SHA-256. So verify it as a message, not a digest.
  let valid: boolean;
  try {
    const options = { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    valid = verify("sha256", message, options, signature);
  } catch (error) {
    return fail("bad_signature", `OpenSSL rejected the signature: ${describe(error)}`);
  }
  if (!valid) {
    return fail("bad_signature", "RSA-PSS signature does not match the hashes and timestamp");
  }
  return { ok: true };
}

function checkPayload(input: TeeSignatureInput): TeeSignatureCheck | undefined {
  const { request, reply } = input.payload ?? {};
  if (request !== undefined) {
    let computed: string;
    try {
      computed = teeRequestHash(canonicalRequest(request));
    } catch (error) {
      return fail("request_hash_mismatch", `Request cannot be canonicalised: ${describe(error)}`);
    }
    if (!sameHex32(input.requestHash, computed)) {
      return fail(
        "request_hash_mismatch",
        `Request hashes to ${computed}, signed ${input.requestHash}`,
      );
    }
  }
  if (reply !== undefined) {
    let computed: string;
    try {
      computed = teeOutputHash(reply);
    } catch (error) {
      return fail("output_hash_mismatch", `Reply cannot be hashed: ${describe(error)}`);
    }
    if (!sameHex32(input.outputHash, computed)) {
      return fail(
        "output_hash_mismatch",
        `Reply hashes to ${computed}, signed ${input.outputHash}`,
      );
    }
  }
  return undefined;
}

function parseRsaKey(der: Uint8Array): KeyObject | string {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(der), format: "der", type: "spki" });
  } catch (error) {
    return `Public key is not a DER SubjectPublicKeyInfo: ${describe(error)}`;
  }
  const type = key.asymmetricKeyType;
  if (type !== "rsa" && type !== "rsa-pss") return `Public key is ${type ?? "unknown"}, not RSA`;
  return key;
}

function sameHex32(a: string, b: string): boolean {
  try {
    return normalizeHex32(a) === normalizeHex32(b);
  } catch {
    return false;
  }
}

function fail(reason: TeeSignatureFailure, detail: string): TeeSignatureCheck {
  return { ok: false, reason, detail };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
