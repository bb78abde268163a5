import type { Metadata } from "next";
import { EvidencePanel } from "@/components/provenance/evidence-panel";
import { ProvenanceCard } from "@/components/provenance/provenance-card";
import { PageHeader } from "@/components/ui/page-header";
import { pageOrigin } from "@/lib/auth/origin";
import { buildOutputBundle } from "@/lib/db/evidence-bundle";
import { inferenceHref } from "@/lib/web/links";
import { inferenceSummary, linkMetadata } from "@/lib/web/summaries";
import { loadInference } from "./load";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const inference = await loadInference((await params).id);
  return linkMetadata(
    `Inference ${inference.id}`,
    inferenceSummary(inference),
    inferenceHref(inference.id),
  );
}

/** The permalink of one inference: its id is derived from the evidence, so it survives re-indexing. */
export default async function InferencePage({ params }: Props) {
  const inference = await loadInference((await params).id);
  const bundle = await buildOutputBundle(inference.outputHash, await pageOrigin());
  return (
    <>
      <PageHeader title={`Inference ${inference.id}`}>
        Its provenance: the model version that produced it, the signed evidence and its check, the
        settlement, the payment, and every agent action that depended on it.
      </PageHeader>
      <div className="space-y-10">
        <ProvenanceCard inference={inference} />
        <EvidencePanel
          bundle={bundle}
          downloadHref={`/api/v1/outputs/${inference.outputHash}/bundle`}
        />
      </div>
    </>
  );
}
