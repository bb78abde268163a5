import { guardIngest } from "@/lib/api/ingest";
import { methodNotAllowed } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { MAX_RECEIPT_BODY_BYTES, parseReceiptsBody } from "@/lib/api/schemas/receipts";
import { insertReceipts } from "@/lib/db/receipts";

/** POST /api/v1/receipts: one signed TEE receipt, or `{ receipts: [...] }` (up to 1,000). */
export const POST = apiRoute(async (request) => {
  const { body, text } = await guardIngest(request, MAX_RECEIPT_BODY_BYTES);
  const result = await insertReceipts(parseReceiptsBody(body, text));
  return Response.json(result, { status: result.created > 0 ? 201 : 200 });
});

/** Reading evidence back goes through the read API, not this route. */
export function GET() {
  return methodNotAllowed(["POST"]);
}
