import type { EvidenceBundle } from "@/lib/evidence/bundle";

/** An evidence bundle as a JSON download named after its subject. */
export function bundleResponse(bundle: EvidenceBundle): Response {
  const id = bundle.subject.id.replace(/[^0-9a-zA-Z-]/g, "").slice(0, 66);
  const name = `evidence-${bundle.subject.type}-${id}.json`;
  return new Response(`${JSON.stringify(bundle, null, 2)}\n`, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "private, max-age=0",
    },
  });
}
