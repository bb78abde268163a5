import { decodeSegment } from "@/lib/web/links";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ProvenanceCard } from "@/components/provenance/provenance-card";
import { PageHeader } from "@/components/ui/page-header";
import { ApiError } from "@/lib/api/errors";
import { getInferenceOrThrow } from "@/lib/db/inferences";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Inference ${decodeSegment((await params).id)}` };
}

export default async function InferencePage({ params }: Props) {
  const id = decodeSegment((await params).id);
  const inference = await getInferenceOrThrow(id).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) notFound();
    throw error;
  });
  return (
    <>
      <PageHeader title={`Inference ${inference.id}`}>
        Its provenance: the model version that produced it, the signed evidence and its check, the
        settlement, the payment, and every agent action that depended on it.
      </PageHeader>
      <ProvenanceCard inference={inference} />
    </>
  );
}
