import { Suspense } from "react";
import type { EvidenceBundle } from "@/lib/evidence/bundle";
import { EvidencePanel } from "./evidence-panel";

async function Built(props: { build: () => Promise<EvidenceBundle>; downloadHref: string }) {
  return <EvidencePanel bundle={await props.build()} downloadHref={props.downloadHref} />;
}

/**
 * The evidence panel, streamed: the permalink's own content (and its status, 404 included)
 * is decided first, and the bundle is assembled while the page is already showing.
 */
export function EvidenceSection(props: {
  build: () => Promise<EvidenceBundle>;
  downloadHref: string;
}) {
  return (
    <Suspense
      fallback={
        <div
          role="status"
          aria-live="polite"
          className="h-40 animate-pulse rounded-lg bg-slate-200"
        >
          <span className="sr-only">Assembling the evidence bundle…</span>
        </div>
      }
    >
      <Built {...props} />
    </Suspense>
  );
}
