import { apiRoute } from "@/lib/api/handler";
import { getAuditSigner, verifyAudit } from "@/lib/db/audit";

/** GET /api/v1/audit/verify: recomputes the chain and checks every signed checkpoint. */
export const GET = apiRoute(async () => {
  const result = await verifyAudit();
  return Response.json(
    { ...result, serverKey: getAuditSigner().address.toLowerCase() },
    { headers: { "Cache-Control": "no-store" } },
  );
});
