/** Page addresses, in one place, so links survive refactors. */
export const modelHref = (name: string, filters?: Record<string, string>) =>
  `/models/${encodeURIComponent(name)}${filters ? `?${new URLSearchParams(filters)}` : ""}`;
export const inferenceHref = (id: string) => `/inferences/${encodeURIComponent(id)}`;
export const outputHref = (hash: string) => `/o/${hash}`;
