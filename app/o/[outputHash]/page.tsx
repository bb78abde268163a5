import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ProvenanceCard } from "@/components/provenance/provenance-card";
import { ShareBanner } from "@/components/share/share-banner";
import { SharePanel } from "@/components/share/share-panel";
import { PageHeader } from "@/components/ui/page-header";
import { ApiError } from "@/lib/api/errors";
import { hash32Schema } from "@/lib/api/schemas/common";
import { getOutputOrThrow } from "@/lib/db/inferences";
import { activeShareFor } from "@/lib/db/share-links";

export const dynamic = "force-dynamic";

type Props = {
  params: Promise<{ outputHash: string }>;
  searchParams: Promise<{ share?: string | string[] }>;
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Output ${(await params).outputHash.slice(0, 12)}…` };
}

/** The permalink of an output: shareable, and stable across re-indexing. */
export default async function OutputPage({ params, searchParams }: Props) {
  const parsed = hash32Schema.safeParse((await params).outputHash);
  if (!parsed.success) notFound();
  const output = await getOutputOrThrow(parsed.data).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) notFound();
    throw error;
  });
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
      {shared ? null : (
        <div className="mb-6">
          <SharePanel scopeType="output" scopeId={output.outputHash} />
        </div>
      )}
      <div className="space-y-10">
        {output.inferences.map((i) => (
          <section key={i.id} aria-label={`Inference ${i.id}`}>
            {many ? <h2 className="mb-2 text-lg font-semibold">Inference {i.id}</h2> : null}
            <ProvenanceCard inference={i} />
          </section>
        ))}
      </div>
    </>
  );
}
