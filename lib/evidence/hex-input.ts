import type { Hex } from "viem";

const HEX_BODY = /^(?:[0-9a-fA-F]{2})*$/;
const UINT256_MAX = (1n << 256n) - 1n;

/**
 * Bytes from hex written with or without `0x` (the TEE gateway sends hashes without it,
 * the chain and viem with it). Throws a TypeError on odd length or a non-hex character.
 */
export function bytesFromLooseHex(value: string): Uint8Array {
  const body = value.startsWith("0x") || value.startsWith("0X") ? value.slice(2) : value;
  if (!HEX_BODY.test(body)) throw new TypeError(`Not hex bytes: ${preview(value)}`);
  return Uint8Array.from(Buffer.from(body, "hex"));
}

/** Lowercase `0x` hex of exactly 32 bytes, from hex with or without `0x`; throws a TypeError otherwise. */
export function normalizeHex32(value: string): Hex {
  const bytes = bytesFromLooseHex(value);
  if (bytes.length !== 32) {
    throw new TypeError(`Expected 32 bytes of hex, got ${bytes.length}: ${preview(value)}`);
  }
  return `0x${Buffer.from(bytes).toString("hex")}`;
}

/**
 * A uint256 from a safe non-negative integer, a bigint or a string of decimal digits (how
 * `tee_timestamp` arrives in JSON, a log and a form). Throws a RangeError otherwise: a
 * float or a negative number has no uint256 encoding, and guessing one would sign or
 * verify a different message.
 */
export function parseUint256(value: number | bigint | string): bigint {
  let parsed: bigint;
  if (typeof value === "bigint") parsed = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) parsed = BigInt(value);
  else if (typeof value === "string" && /^[0-9]+$/.test(value)) parsed = BigInt(value);
  else throw new RangeError(`Not a uint256: ${preview(String(value))}`);
  if (parsed < 0n || parsed > UINT256_MAX) throw new RangeError(`Out of uint256 range: ${value}`);
  return parsed;
}

function preview(value: string): string {
  return value.length > 24 ? `${value.slice(0, 24)}…` : value;
}
