import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { ApiError } from "@/lib/api/errors";
import { hash32Schema } from "@/lib/api/schemas/common";
import { getOutputOrThrow } from "@/lib/db/inferences";

/** One read per request, shared by the metadata, the preview image and the page. */
export const loadOutput = cache(async (raw: string) => {
  const parsed = hash32Schema.safeParse(raw);
  if (!parsed.success) notFound();
  return getOutputOrThrow(parsed.data).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) notFound();
    throw error;
  });
});
