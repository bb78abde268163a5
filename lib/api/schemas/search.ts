import { z } from "zod";

export const searchQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .min(1, "is required: a hash, address, request id, transaction or model name")
    .max(200, "must be at most 200 characters"),
});

export const searchHitSchema = z.object({
  kind: z.string(),
  label: z.string(),
  detail: z.string(),
  href: z.string().nullable(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const searchResultSchema = z.object({
  q: z.string(),
  /** Set when the term names exactly one record: open it directly. */
  exact: z.string().nullable(),
  hits: z.array(searchHitSchema),
});
export type SearchResult = z.infer<typeof searchResultSchema>;
