import crypto from "node:crypto";
import { z } from "zod";
import { ApiError, validationFailed } from "@/lib/api/errors";
import { log } from "@/lib/log";
import { countIngest } from "@/lib/metrics";
import { isDatabaseUnavailable } from "@/lib/system/db-probe";

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/**
 * Wraps a route handler so that every failure becomes a JSON answer with the right
 * status: ApiError keeps its own, a ZodError is 422, anything else is 500 with an id that
 * is also in the server log. Handlers stay thin: parse, call one verb, return.
 */
export function apiRoute<C = unknown>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      const response = await handler(request, context);
      countIngest(request, response.status, null);
      return response;
    } catch (error) {
      return errorResponse(error, request);
    }
  };
}

/** The JSON answer for an error thrown while handling `request`. */
export function errorResponse(error: unknown, request: Request): Response {
  const apiError =
    error instanceof z.ZodError ? validationFailed(error) : (fromDatabase(error) ?? error);
  if (apiError instanceof ApiError) {
    countIngest(request, apiError.status, apiError.code);
    return Response.json(
      { error: apiError.code, message: apiError.message, ...apiError.details },
      { status: apiError.status, headers: apiError.headers },
    );
  }
  const errorId = crypto.randomUUID();
  countIngest(request, 500, "internal_error");
  log.error(
    { err: error, error_id: errorId, method: request.method, url: request.url },
    "Request failed",
  );
  return Response.json(
    {
      error: "internal_error",
      message: `Something failed on our side and nothing was written; quote ${errorId} when reporting it.`,
      errorId,
    },
    { status: 500 },
  );
}

/**
 * A database that is not there is 503 (with Retry-After), not a 500. And a backstop for input
 * the schemas let through but PostgreSQL refuses as data (SQLSTATE class 22: out of range, bad
 * encoding…): the client's doing, so 422, and the transaction was rolled back, so nothing was
 * written.
 */
function fromDatabase(error: unknown): ApiError | undefined {
  if (isDatabaseUnavailable(error)) {
    return new ApiError(
      503,
      "database_unavailable",
      "The database is unreachable, so nothing was read or written; try again in a few seconds. /api/ready says what is wrong.",
      undefined,
      { "Retry-After": "5" },
    );
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !code.startsWith("22")) return undefined;
  return new ApiError(
    422,
    "validation_failed",
    `A value cannot be stored: ${(error as Error).message}. Nothing was written.`,
  );
}
