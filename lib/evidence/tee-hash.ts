import { encodePacked, keccak256, stringToBytes, type Hex } from "viem";
import { bytesFromLooseHex, normalizeHex32, parseUint256 } from "./hex-input";
import { PyFloat, isPythonTruthy, pyFloat, pythonJsonDumps, type PyJsonValue } from "./python-json";
import { canonicalMessage } from "./tee-request-messages";

/** An OpenAI-style chat request body as the client sent it (parsed JSON). */
export type TeeChatRequest = { readonly [key: string]: PyJsonValue | undefined };

/** The dict the gateway hashes: only the fields below, messages reshaped. */
export type CanonicalTeeRequest = { readonly [key: string]: PyJsonValue };

/** One tool call of a response, in the OpenAI shape the gateway returns. */
export interface TeeToolCall {
  readonly id?: string | null;
  readonly type?: string | null;
  readonly function?: { readonly name?: string | null; readonly arguments?: string | null };
}

/**
 * Builds the canonical request the TEE gateway hashes (tee-gateway
 * `controllers/chat_controller.py::_chat_request_to_dict`): `model`, `messages` reshaped
 * per role, `temperature` as a float (0.0 when absent), and `max_tokens` when not null,
 * `stop`, `tools`, `response_format` when truthy in Python's sense, `web_search: true`
 * when truthy. Every other field the client sent (`top_p`, `n`, `tool_choice`, …) is not
 * covered by the signature.
 *
 * For byte-exact hashes parse the request with `parsePythonJson` so floats inside
 * `tools` or `response_format` (a schema's `"minimum": 1.0`) keep their `.0`.
 *
 * @throws TypeError when `model` is not a string, `messages` is not an array, or a message
 *   has a role the gateway rejects.
 */
export function canonicalRequest(request: TeeChatRequest): CanonicalTeeRequest {
  const { model, messages, temperature } = request;
  if (typeof model !== "string") throw new TypeError("Request has no string 'model'");
  if (!Array.isArray(messages)) throw new TypeError("Request has no 'messages' array");
  const canonical: Record<string, PyJsonValue> = {
    model,
    messages: (messages as readonly PyJsonValue[]).map(canonicalMessage),
    temperature: toPythonFloat(temperature),
  };
  if (request.max_tokens !== undefined && request.max_tokens !== null) {
    canonical.max_tokens = request.max_tokens;
  }
  for (const field of ["stop", "tools", "response_format"] as const) {
    const value = request[field];
    if (isPythonTruthy(value)) canonical[field] = value as PyJsonValue;
  }
  if (isPythonTruthy(request.web_search)) canonical.web_search = true;
  return canonical;
}

/** `tee_request_hash`: keccak256 of the UTF-8 of `json.dumps(canonical, sort_keys=True)`. */
export function teeRequestHash(canonical: CanonicalTeeRequest): Hex {
  return keccak256(stringToBytes(pythonJsonDumps(canonical, { sortKeys: true })));
}

/**
 * `tee_output_hash`: keccak256 of the UTF-8 reply text, or, when the model called tools, of
 * `json.dumps(tool_calls, sort_keys=True)`. Each call is reduced to `{id, type, function:
 * {name, arguments}}`, the only keys the gateway hashes; a streamed delta's `index` is not
 * among them.
 */
export function teeOutputHash(reply: string | readonly TeeToolCall[]): Hex {
  if (typeof reply === "string") return keccak256(stringToBytes(reply));
  const calls: PyJsonValue[] = reply.map((call) => ({
    id: call.id ?? null,
    type: call.type ?? null,
    function: { name: call.function?.name ?? null, arguments: call.function?.arguments ?? null },
  }));
  return keccak256(stringToBytes(pythonJsonDumps(calls, { sortKeys: true })));
}

/**
 * The 32 bytes the enclave signs: keccak256(requestHash ‖ outputHash ‖ uint256 timestamp,
 * big-endian), as tee-gateway `tee_manager.py::compute_tee_msg_hash` packs them.
 * Hashes may come with or without `0x`.
 *
 * @throws TypeError for a hash that is not 32 bytes of hex, RangeError for a timestamp
 *   that is not a uint256.
 */
export function teeSignedMessage(
  requestHash: string,
  outputHash: string,
  timestamp: number | bigint | string,
): Hex {
  return keccak256(
    encodePacked(
      ["bytes32", "bytes32", "uint256"],
      [normalizeHex32(requestHash), normalizeHex32(outputHash), parseUint256(timestamp)],
    ),
  );
}

/**
 * `tee_id` = keccak256 of the enclave's DER SubjectPublicKeyInfo bytes, exactly as the
 * registry stores them (hex with or without `0x`, or bytes).
 */
export function teeIdFromPublicKey(publicKey: string | Uint8Array): Hex {
  return keccak256(typeof publicKey === "string" ? bytesFromLooseHex(publicKey) : publicKey);
}

// Note: the gateway writes `float(temperature) if temperature is not None else 0.0`, so an
// integer temperature 1 is hashed as `1.0`.
function toPythonFloat(value: PyJsonValue | undefined): PyFloat {
  if (value === undefined || value === null) return pyFloat(0);
  if (value instanceof PyFloat) return value;
  if (typeof value === "number") return pyFloat(value);
  if (typeof value === "bigint") return pyFloat(Number(value));
  throw new TypeError(`Temperature is not a number: ${typeof value}`);
}
