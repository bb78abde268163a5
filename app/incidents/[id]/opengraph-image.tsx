import { OG_SIZE, previewImage } from "@/lib/web/og-image";
import { incidentSummary } from "@/lib/web/summaries";
import { loadIncident } from "./load";

export const alt = "A marked rollback: the bad version, its window and its blast radius";
export const size = OG_SIZE;
export const contentType = "image/png";

/** The link preview of an incident permalink. */
export default async function Image({ params }: { params: Promise<{ id: string }> }) {
  return previewImage(incidentSummary(await loadIncident((await params).id)));
}
