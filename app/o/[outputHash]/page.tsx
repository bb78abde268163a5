import type { Metadata } from "next";
import { EvidencePanel } from "@/components/provenance/evidence-panel";
import { OutputDisputes } from "@/components/disputes/output-disputes";
import { ProvenanceCard } from "@/components/provenance/provenance-card";
import { PageHeader } from "@/components/ui/page-header";
import { pageOrigin } from "@/lib/auth/origin";
import { buildOutputBundle } from "@/lib/db/evidence-bundle";
import { shortHash } from "@/lib/web/format";
import { outputHref } from "@/lib/web/links";
import { linkMetadata, outputSummary } from "@/lib/web/summaries";
import { loadOutput } from "./load";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ outputHash: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const output = await loadOutput((await params).outputHash);
  return linkMetadata(
    `Output ${shortHash(output.outputHash)}`,
    outputSummary(output),
    outputHref(output.outputHash),
  );
}

/** The permalink of an output: shareable, and stable across re-indexing and reorgs. */
export default async function OutputPage({ params }: Props) {
  const output = await loadOutput((await params).outputHash);
  const bundle = await buildOutputBundle(output.outputHash, await pageOrigin());
  const many = output.inferences.length > 1;
  return (
    <>
      <PageHeader title="Output provenance">
        <span className="font-mono break-all">{output.outputHash}</span>
        {many ? ` was produced by ${output.inferences.length} inferences; each is shown.` : null}
      </PageHeader>
      <div className="space-y-10">
        {output.inferences.map((i) => (
          <section key={i.id} aria-label={`Inference ${i.id}`}>
            {many ? <h2 className="mb-2 text-lg font-semibold">Inference {i.id}</h2> : null}
            <ProvenanceCard inference={i} />
          </section>
        ))}
        <OutputDisputes outputHash={output.outputHash} />
        <EvidencePanel
          bundle={bundle}
          downloadHref={`/api/v1/outputs/${output.outputHash}/bundle`}
        />
      </div>
    </>
  );
}
