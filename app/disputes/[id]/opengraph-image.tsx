import { OG_SIZE, previewImage } from "@/lib/web/og-image";
import { disputeSummary } from "@/lib/web/summaries";
import { loadDispute } from "./load";

export const alt = "A dispute on an output: its status, reason and linked rollback";
export const size = OG_SIZE;
export const contentType = "image/png";

/** The link preview of a dispute permalink. */
export default async function Image({ params }: { params: Promise<{ id: string }> }) {
  return previewImage(disputeSummary(await loadDispute((await params).id)));
}
