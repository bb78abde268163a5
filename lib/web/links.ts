/** Page addresses, in one place, so links survive refactors. */
export const modelHref = (name: string, filters?: Record<string, string>) =>
  `/models/${encodeURIComponent(name)}${filters ? `?${new URLSearchParams(filters)}` : ""}`;
export const inferenceHref = (id: string) => `/inferences/${encodeURIComponent(id)}`;
export const outputHref = (hash: string) => `/o/${hash}`;
export const incidentHref = (id: string) => `/incidents/${id}`;
export const disputeHref = (id: string) => `/disputes/${id}`;

/** A path segment decoded, or as it came when it is not valid percent-encoding. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
