import { OG_SIZE, previewImage } from "@/lib/web/og-image";
import { outputSummary } from "@/lib/web/summaries";
import { loadOutput } from "./load";

export const alt =
  "Output provenance: model version, signature, settlement and what depended on it";
export const size = OG_SIZE;
export const contentType = "image/png";

/** The link preview of an output permalink. */
export default async function Image({ params }: { params: Promise<{ outputHash: string }> }) {
  return previewImage(outputSummary(await loadOutput((await params).outputHash)));
}
