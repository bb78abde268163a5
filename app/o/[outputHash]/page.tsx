import type { Metadata } from "next";
import { EvidenceSection } from "@/components/provenance/evidence-section";
import { OutputDisputes } from "@/components/disputes/output-disputes";
import { ProvenanceCard } from "@/components/provenance/provenance-card";
import { ShareBanner } from "@/components/share/share-banner";
import { SharePanel } from "@/components/share/share-panel";
import { PageHeader } from "@/components/ui/page-header";
import { pageOrigin } from "@/lib/auth/origin";
import { buildOutputBundle } from "@/lib/db/evidence-bundle";
import { activeShareFor } from "@/lib/db/share-links";
import { shortHash } from "@/lib/web/format";
import { outputHref, withShare } from "@/lib/web/links";
import { linkMetadata, outputSummary } from "@/lib/web/summaries";
import { loadOutput } from "./load";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ outputHash: string }>;
  searchParams: Promise<{ share?: string | string[] }>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const output = await loadOutput((await params).outputHash);
  return linkMetadata(
    `Output ${shortHash(output.outputHash)}`,
    outputSummary(output),
    outputHref(output.outputHash),
  );
}

/** The permalink of an output: shareable, and stable across re-indexing and reorgs. */
export default async function OutputPage({ params, searchParams }: Props) {
  const output = await loadOutput((await params).outputHash);
  const origin = await pageOrigin();
  const many = output.inferences.length > 1;
  const shared = await activeShareFor((await searchParams).share, {
    type: "output",
    id: output.outputHash,
  });
  return (
    <>
      {shared ? <ShareBanner expiresAt={shared.expiresAt} /> : null}
      <PageHeader title="Output provenance">
        <span className="font-mono break-all">{output.outputHash}</span>
        {many ? ` was produced by ${output.inferences.length} inferences; each is shown.` : null}
      </PageHeader>
      <div className="space-y-10">
        {output.inferences.map((i) => (
          <section key={i.id} aria-label={`Inference ${i.id}`}>
            {many ? <h2 className="mb-2 text-lg font-semibold">Inference {i.id}</h2> : null}
            <ProvenanceCard inference={i} share={shared?.token} />
          </section>
        ))}
        <OutputDisputes outputHash={output.outputHash} />
        <EvidenceSection
          build={() => buildOutputBundle(output.outputHash, origin)}
          downloadHref={withShare(`/api/v1/outputs/${output.outputHash}/bundle`, shared?.token)}
        />
        {shared ? null : <SharePanel scopeType="output" scopeId={output.outputHash} />}
      </div>
    </>
  );
}
