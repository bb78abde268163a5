/** Page addresses, in one place, so links survive refactors. */
export const modelHref = (name: string, filters?: Record<string, string>) =>
  `/models/${encodeURIComponent(name)}${filters ? `?${new URLSearchParams(filters)}` : ""}`;
export const inferenceHref = (id: string) => `/inferences/${encodeURIComponent(id)}`;
export const outputHref = (hash: string) => `/o/${hash}`;
export const incidentHref = (id: string) => `/incidents/${id}`;
export const disputeHref = (id: string) => `/disputes/${id}`;

/**
 * A link that keeps the share token of a shared page (`?share=`), for the downloads and
 * sub-resources the token also opens; unchanged when the page was not opened with one.
 */
export function withShare(href: string, share: string | null | undefined): string {
  if (!share) return href;
  return `${href}${href.includes("?") ? "&" : "?"}share=${encodeURIComponent(share)}`;
}

/** A path segment decoded, or as it came when it is not valid percent-encoding. */
export function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Whether a link stays inside this app: a path starting with one "/". Anything else is
 * external, including what a browser reads as another host: `//host`, `/\host` (browsers
 * treat "\" as "/"), any backslash at all, and any whitespace or control character.
 */
export function isInternalHref(href: string): boolean {
  // Note: browsers drop tabs and newlines inside a URL, so "/\t/host" is "//host".
  return href.startsWith("/") && !href.startsWith("//") && !/[\\\s\u0000-\u001f\u007f]/.test(href);
}
