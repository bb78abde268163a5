import { badRequest, payloadTooLarge, unsupportedMediaType } from "@/lib/api/errors";

/**
 * Reads a JSON request body without trusting the client: the content type must be JSON,
 * the declared length and the bytes actually streamed are both capped at `maxBytes`, and
 * a parse failure says where the JSON broke.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
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
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest(`The body is not valid JSON: ${(error as Error).message}.`);
  }
}

function tooLarge(maxBytes: number) {
  return payloadTooLarge(
    `The body is larger than ${(maxBytes / 1024 / 1024).toFixed(0)} MB; split it into smaller requests.`,
  );
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
