import {
  constants,
  createHash,
  createPrivateKey,
  privateEncrypt,
  sign,
  type KeyObject,
} from "node:crypto";
import { hexToBytes } from "viem";
import { teeSignedMessage } from "@/lib/evidence/tee-hash";

const HASH_BYTES = 32;
const SALT_BYTES = 32;

/** What a simulated enclave signs, with an optional fixed salt for reproducible fixtures. */
export interface TeeSigningInput {
  /** PKCS#8 (or PKCS#1) PEM of the enclave's RSA key. */
  privateKeyPem: string;
  /** `tee_request_hash`, hex with or without `0x`. */
  requestHash: string;
  /** `tee_output_hash`, hex with or without `0x`. */
  outputHash: string;
  /** `tee_timestamp`, unix seconds. */
  timestamp: number | bigint | string;
  /** 32 bytes: makes the signature deterministic. Without it the salt is random, as in the gateway. */
  salt?: Uint8Array;
}

/**
 * Signs a response as the TEE gateway does (tee-gateway `tee_manager.py::sign_data`):
 * RSA-PSS, SHA-256, MGF1-SHA-256, salt length 32, over the 32-byte keccak256(requestHash ‖
 * outputHash ‖ uint256 timestamp) taken as the message. Returns standard base64.
 *
 * With `salt`, EMSA-PSS encoding (RFC 8017 §9.1.1) is done here and the RSA private
 * operation is raw, so the same inputs always give the same signature; OpenSSL offers no
 * way to pass a salt in.
 *
 * @throws TypeError for bad hashes or a salt that is not 32 bytes, RangeError for a bad
 *   timestamp, and node:crypto's errors for an unreadable key.
 */
export function signTeeResponse(input: TeeSigningInput): string {
  const message = hexToBytes(
    teeSignedMessage(input.requestHash, input.outputHash, input.timestamp),
  );
  const key = createPrivateKey(input.privateKeyPem);
  if (input.salt === undefined) {
    const signature = sign("sha256", message, {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: SALT_BYTES,
    });
    return signature.toString("base64");
  }
  if (input.salt.length !== SALT_BYTES) {
    throw new TypeError(`PSS salt must be ${SALT_BYTES} bytes, got ${input.salt.length}`);
  }
  return signWithSalt(key, message, input.salt).toString("base64");
}

function signWithSalt(key: KeyObject, message: Uint8Array, salt: Uint8Array): Buffer {
  const modulusBits = key.asymmetricKeyDetails?.modulusLength;
  if (key.asymmetricKeyType !== "rsa" || modulusBits === undefined) {
    throw new TypeError("Deterministic signing needs an RSA private key");
  }
  const encoded = emsaPssEncode(message, salt, modulusBits - 1);
  const modulusBytes = Math.ceil(modulusBits / 8);
  // Note: emLen is one byte short of the modulus when modBits - 1 is a multiple of 8;
  // the raw RSA operation wants exactly modulus-length input, so left-pad with zeros.
  const block = Buffer.concat([Buffer.alloc(modulusBytes - encoded.length), encoded]);
  return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, block);
}

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) with SHA-256 and MGF1-SHA-256. */
function emsaPssEncode(message: Uint8Array, salt: Uint8Array, emBits: number): Buffer {
  const emLen = Math.ceil(emBits / 8);
  if (emLen < HASH_BYTES + salt.length + 2) throw new RangeError("RSA key too small for PSS");
  const mHash = sha256(message);
  const h = sha256(Buffer.concat([Buffer.alloc(8), mHash, salt]));
  const db = Buffer.concat([
    Buffer.alloc(emLen - salt.length - HASH_BYTES - 2),
    Buffer.from([0x01]),
    salt,
  ]);
  const mask = mgf1(h, emLen - HASH_BYTES - 1);
  for (let i = 0; i < db.length; i++) db[i] = (db[i] as number) ^ (mask[i] as number);
  // Clear the leftmost 8*emLen - emBits bits so the encoded integer is below the modulus.
  db[0] = (db[0] as number) & (0xff >> (8 * emLen - emBits));
  return Buffer.concat([db, h, Buffer.from([0xbc])]);
}

/** MGF1 (RFC 8017 §B.2.1) with SHA-256. */
function mgf1(seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * HASH_BYTES < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(sha256(Buffer.concat([seed, c])));
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function sha256(data: Uint8Array): Buffer {
  return createHash("sha256").update(data).digest();
}
