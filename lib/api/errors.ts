import { z } from "zod";

/** An error the API answers with its own status and a message a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const badRequest = (message: string) => new ApiError(400, "bad_request", message);
export const unauthorized = (message: string) => new ApiError(401, "unauthorized", message);
export const forbidden = (message: string) => new ApiError(403, "forbidden", message);
export const notFound = (message: string) => new ApiError(404, "not_found", message);
export const payloadTooLarge = (message: string) => new ApiError(413, "payload_too_large", message);
export const unsupportedMediaType = (message: string) =>
  new ApiError(415, "unsupported_media_type", message);

/** 429 with the Retry-After header (whole seconds). */
export function tooManyRequests(retryAfterSeconds: number): ApiError {
  return new ApiError(
    429,
    "rate_limited",
    `Too many requests from this address; retry in ${retryAfterSeconds} s.`,
    { retryAfterSeconds },
    { "Retry-After": String(retryAfterSeconds) },
  );
}

/** Renders a zod path the way people write it: `receipts[3].tee_output_hash`. */
export function formatPath(path: ReadonlyArray<PropertyKey>, root = ""): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, root);
}

/** 422 naming the first bad field, with every issue listed for machines. */
export function validationFailed(error: z.ZodError, root = ""): ApiError {
  const issues = error.issues.map((issue) => ({
    path: formatPath(issue.path, root) || "(body)",
    message: humanMessage(issue),
  }));
  const first = issues[0]!;
  return new ApiError(422, "validation_failed", `${first.path}: ${first.message}`, { issues });
}

/** 422 for one field that passed its shape but failed a rule that needs the database. */
export function invalidField(path: string, message: string): ApiError {
  return new ApiError(422, "validation_failed", `${path}: ${message}`, {
    issues: [{ path, message }],
  });
}

/** zod's default wording for a missing field ("expected string, received undefined") is for programmers. */
function humanMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) {
    return issue.expected === "nonoptional" ? "is required" : `is required (${issue.expected})`;
  }
  return issue.message;
}

/** 405 for a route that exists but not with this method, with the Allow header. */
export function methodNotAllowed(allowed: string[]): Response {
  return Response.json(
    {
      error: "method_not_allowed",
      message: `This route only answers ${allowed.join(", ")}; see /api/v1/openapi.json.`,
    },
    { status: 405, headers: { Allow: allowed.join(", ") } },
  );
}
