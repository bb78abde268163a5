import type { Metadata } from "next";
import { EvidenceSection } from "@/components/provenance/evidence-section";
import { ProvenanceCard } from "@/components/provenance/provenance-card";
import { ShareBanner } from "@/components/share/share-banner";
import { PageHeader } from "@/components/ui/page-header";
import { pageOrigin } from "@/lib/auth/origin";
import { buildOutputBundle } from "@/lib/db/evidence-bundle";
import { activeShareFor } from "@/lib/db/share-links";
import { inferenceHref, withShare } from "@/lib/web/links";
import { inferenceSummary, linkMetadata } from "@/lib/web/summaries";
import { loadInference } from "./load";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ share?: string | string[] }>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const inference = await loadInference((await params).id);
  return linkMetadata(
    `Inference ${inference.id}`,
    inferenceSummary(inference),
    inferenceHref(inference.id),
  );
}

/** The permalink of one inference: its id is derived from the evidence, so it survives re-indexing. */
export default async function InferencePage({ params, searchParams }: Props) {
  const inference = await loadInference((await params).id);
  // A link to its output also opens this page (read-only).
  const shared = await activeShareFor((await searchParams).share, {
    type: "output",
    id: inference.outputHash,
  });
  const origin = await pageOrigin();
  return (
    <>
      {shared ? <ShareBanner expiresAt={shared.expiresAt} /> : null}
      <PageHeader title={`Inference ${inference.id}`}>
        Its provenance: the model version that produced it, the signed evidence and its check, the
        settlement, the payment, and every agent action that depended on it.
      </PageHeader>
      <div className="space-y-10">
        <ProvenanceCard inference={inference} share={shared?.token} />
        <EvidenceSection
          build={() => buildOutputBundle(inference.outputHash, origin)}
          downloadHref={withShare(`/api/v1/outputs/${inference.outputHash}/bundle`, shared?.token)}
        />
      </div>
    </>
  );
}
