import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { getIncidentOrThrow, type IncidentDetail } from "@/lib/db/incidents";

/** One read per request, shared by the metadata and the page; 404 for an unknown id. */
export const loadIncident = cache(async (raw: string): Promise<IncidentDetail> => {
  if (!z.uuid().safeParse(raw).success) notFound();
  return getIncidentOrThrow(raw).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) notFound();
    throw error;
  });
});
