/**
 * How `tee_signature` travels: standard base64 (RFC 4648 §4, padded), as Python's
 * `base64.b64encode` writes the enclave's RSA-PSS signature. Ingest decodes it with this
 * code, so every stored signature is one the linker's `decode(signature, 'base64')` and the
 * verifier's `Buffer.from(…, "base64")` read the same way.
 */

/** An RSA-2048 signature is as long as the modulus: 256 bytes (FACTS.md, "The signed LLM response"). */
export const TEE_SIGNATURE_BYTES = 256;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The signature's bytes, or why the text is not a TEE signature: not standard padded
 * base64, not canonical (a second spelling of the same bytes, such as non-zero padding
 * bits), or not exactly {@link TEE_SIGNATURE_BYTES} bytes long.
 */
export function decodeTeeSignature(text: string): { bytes: Buffer } | { problem: string } {
  if (!BASE64.test(text)) {
    return { problem: "it is not standard base64: A-Z, a-z, 0-9, + and /, padded with =" };
  }
  const bytes = Buffer.from(text, "base64");
  if (bytes.toString("base64") !== text) {
    return { problem: "it is not canonical base64: the bits before the padding must be zero" };
  }
  if (bytes.length !== TEE_SIGNATURE_BYTES) {
    return {
      problem: `it decodes to ${bytes.length} bytes; an RSA-2048 signature has ${TEE_SIGNATURE_BYTES}`,
    };
  }
  return { bytes };
}
