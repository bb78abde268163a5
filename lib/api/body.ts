import { badRequest, invalidField, payloadTooLarge, unsupportedMediaType } from "@/lib/api/errors";

/**
 * Reads a JSON request body without trusting the client: the content type must be JSON,
 * the declared length and the bytes actually streamed are both capped at `maxBytes`, and
 * a parse failure says where the JSON broke. Returns the parsed body and its text (for
 * callers that must keep numbers exactly as written).
 */
export async function readJsonBody(
  request: Request,
  maxBytes: number,
): Promise<{ body: unknown; text: string }> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(.+\+)?json\b/i.test(type.trim())) {
    throw unsupportedMediaType(
      `Send the body as JSON with "Content-Type: application/json" (got "${type || "none"}").`,
    );
  }
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const text = await readCapped(request, maxBytes);
  if (!text.trim()) throw badRequest("The request body is empty; send a JSON document.");
  const json = text.replace(/^\uFEFF/, "");
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw badRequest(`The body is not valid JSON: ${(error as Error).message}.`);
  }
  assertStorable(parsed);
  return { body: parsed, text: json };
}

const MAX_DEPTH = 64;

/**
 * Refuses JSON that PostgreSQL cannot store or that would exhaust the stack later: NUL
 * characters and unpaired surrogates in strings or keys, numbers too large for a double
 * (`1e999`, which JSON.parse turns into Infinity), and nesting deeper than 64.
 */
function assertStorable(value: unknown, path = "(body)", depth = 0): void {
  if (depth > MAX_DEPTH) {
    throw invalidField(path, `nests deeper than ${MAX_DEPTH} levels`);
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    throw invalidField(path, "is a number too large to store (it overflows a 64-bit float)");
  }
  if (typeof value === "string") {
    if (value.includes("\u0000")) throw invalidField(path, "contains a NUL character");
    if (!value.isWellFormed()) throw invalidField(path, "contains an unpaired UTF-16 surrogate");
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => assertStorable(item, `${path}[${i}]`, depth + 1));
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      assertStorable(key, `${path} key`, depth + 1);
      assertStorable(item, path === "(body)" ? key : `${path}.${key}`, depth + 1);
    }
  }
}

/** What a 413 says, here and at the server's door (scripts/serve.ts). */
export function bodyTooLargeMessage(maxBytes: number): string {
  const limit =
    maxBytes >= 1024 * 1024 ? `${maxBytes / 1024 / 1024} MB` : `${Math.round(maxBytes / 1024)} KB`;
  return `The body is larger than ${limit}; split it into smaller requests.`;
}

function tooLarge(maxBytes: number) {
  return payloadTooLarge(bodyTooLargeMessage(maxBytes));
}

async function readCapped(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
