import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { ApiError } from "@/lib/api/errors";
import { getInferenceOrThrow } from "@/lib/db/inferences";
import { decodeSegment } from "@/lib/web/links";

/** One read per request, shared by the metadata, the preview image and the page. */
export const loadInference = cache(async (raw: string) =>
  getInferenceOrThrow(decodeSegment(raw)).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) notFound();
    throw error;
  }),
);
