import { OG_SIZE, previewImage } from "@/lib/web/og-image";
import { inferenceSummary } from "@/lib/web/summaries";
import { loadInference } from "./load";

export const alt =
  "Inference provenance: model version, signature, settlement and what depended on it";
export const size = OG_SIZE;
export const contentType = "image/png";

/** The link preview of an inference permalink. */
export default async function Image({ params }: { params: Promise<{ id: string }> }) {
  return previewImage(inferenceSummary(await loadInference((await params).id)));
}
