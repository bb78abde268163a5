import { PyFloat, isPythonTruthy, pythonFloatRepr, type PyJsonValue } from "./python-json";

type JsonObject = { readonly [key: string]: PyJsonValue | undefined };

/**
 * One message as the gateway reshapes it before hashing (tee-gateway
 * `controllers/chat_controller.py::_chat_request_to_dict`, and OpenGradient-SDK
 * `client/tee_verify.py::_canonical_message` for `developer`):
 *
 * - `system` and `developer` → `{role: "system", content}` (the SDK sends `developer` as
 *   `system`; the gateway itself rejects the `developer` role);
 * - `user` → `{role: "user", content}` with multimodal content reduced by
 *   {@link canonicalUserContent};
 * - `assistant` → `{role, content: content or ""}` plus `tool_calls` as `{id, type,
 *   function: {name, arguments}}` when there are any;
 * - `tool` → `{role, content, tool_call_id}`; `function` → `{role, content, name}`.
 *
 * @throws TypeError for a message that is not an object or has any other role (the
 *   gateway answers such a request with an error, so nothing was signed).
 */
export function canonicalMessage(message: PyJsonValue): PyJsonValue {
  if (!isObject(message)) throw new TypeError("A message is not an object");
  const content = message.content ?? null;
  switch (message.role) {
    case "system":
    case "developer":
      return { role: "system", content };
    case "user":
      return { role: "user", content: canonicalUserContent(content) };
    case "assistant":
      return canonicalAssistant(message, content);
    case "tool":
      return { role: "tool", content, tool_call_id: message.tool_call_id ?? null };
    case "function":
      return { role: "function", content, name: message.name ?? null };
    default:
      throw new TypeError(`Unknown message role: ${String(message.role)}`);
  }
}

function canonicalAssistant(message: JsonObject, content: PyJsonValue): PyJsonValue {
  const shaped: Record<string, PyJsonValue> = {
    role: "assistant",
    content: isPythonTruthy(content) ? content : "",
  };
  const calls = message.tool_calls;
  if (Array.isArray(calls) && calls.length > 0) {
    shaped.tool_calls = (calls as readonly PyJsonValue[]).map((call) => {
      const tc = isObject(call) ? call : {};
      const fn = isObject(tc.function) ? tc.function : {};
      return {
        id: tc.id ?? null,
        type: tc.type ?? null,
        function: { name: fn.name ?? null, arguments: fn.arguments ?? null },
      };
    });
  }
  return shaped;
}

/**
 * User content as the gateway hashes it (tee-gateway `llm_backend.py::canonical_user_content`):
 * a string stays as is; in a list of parts, text parts become `{type: "text", text}` and every
 * attachment is reduced to `{type[, filename]}`, so the hash commits to which files were
 * sent but not to their bytes. Anything else becomes Python's `str()` of it.
 */
export function canonicalUserContent(content: PyJsonValue): PyJsonValue {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return pythonStr(content);
  return (content as readonly PyJsonValue[]).map((part) => {
    if (!isObject(part)) return { type: "text", text: pythonStr(part) };
    if (part.type === "text") {
      return { type: "text", text: isPythonTruthy(part.text) ? (part.text as PyJsonValue) : "" };
    }
    const entry: Record<string, PyJsonValue> = { type: part.type ?? null };
    const file = part.file;
    const nested = isObject(file) ? file.filename : undefined;
    const filename = isPythonTruthy(nested) ? nested : part.filename;
    if (isPythonTruthy(filename)) entry.filename = filename as PyJsonValue;
    return entry;
  });
}

// Note: Python's str() of a scalar; str() of a dict is a repr we do not reproduce, so such
// a request cannot be verified and is refused rather than hashed wrongly.
function pythonStr(value: PyJsonValue): string {
  if (typeof value === "string") return value;
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && Number.isInteger(value)) return String(value);
  if (typeof value === "number") return pythonFloatRepr(value);
  if (value instanceof PyFloat) return pythonFloatRepr(value.value);
  throw new TypeError("Cannot reproduce Python's str() of an object in message content");
}

function isObject(value: PyJsonValue | undefined): value is JsonObject {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof PyFloat)
  );
}
