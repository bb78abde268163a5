import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { ApiError } from "@/lib/api/errors";
import { disputeIdSchema, type DisputeDetail } from "@/lib/api/schemas/disputes";
import { getDisputeOrThrow } from "@/lib/db/disputes";

/** One read per request, shared by the metadata, the preview image and the page; 404 for a bad or unknown id. */
export const loadDispute = cache(async (raw: string): Promise<DisputeDetail> => {
  if (!disputeIdSchema.safeParse(raw).success) notFound();
  return getDisputeOrThrow(raw).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) notFound();
    throw error;
  });
});
