import { z } from "zod";
import { invalidField, validationFailed } from "@/lib/api/errors";
import { textProblem } from "@/lib/api/schemas/common";

/** An instant in a query string: ISO 8601 with a zone ("2026-11-23T10:00:00Z"). */
export const instantSchema = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/,
    "must be an ISO 8601 time with a zone, e.g. 2026-11-23T10:00:00Z",
  )
  .transform((v, ctx) => {
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: "is not a real date" });
      return z.NEVER;
    }
    return d;
  });

/** A page size: 1 to `max`, `fallback` when absent. */
export function limitSchema(fallback: number, max: number) {
  return z.coerce
    .number({ error: `must be a whole number from 1 to ${max}` })
    .int(`must be a whole number from 1 to ${max}`)
    .min(1, `must be a whole number from 1 to ${max}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);
}

/**
 * Parses a query string with `schema`: the first value of each parameter, empty ones
 * dropped. Throws 422 naming the parameter, also for a value no column can hold (a NUL,
 * any control character): those never reach the database.
 */
export function parseQuery<T extends z.ZodType>(schema: T, params: URLSearchParams): z.output<T> {
  const raw: Record<string, string> = {};
  for (const [k, v] of params) {
    if (v === "" || k in raw) continue;
    const problem = textProblem(v, false);
    if (problem) throw invalidField(k, problem);
    raw[k] = v;
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw validationFailed(result.error);
  return result.data;
}

/** An opaque page cursor: the last row's sort key, base64url-encoded. */
export const cursorSchema = z
  .string()
  .max(200)
  .transform((v, ctx) => {
    const decoded = Buffer.from(v, "base64url").toString("utf8");
    const [at, id, ...rest] = decoded.split("|");
    const time = new Date(at ?? "");
    if (rest.length > 0 || !id || Number.isNaN(time.getTime())) {
      ctx.addIssue({
        code: "custom",
        message: "is not a cursor this API gave out; drop it to start over",
      });
      return z.NEVER;
    }
    return { at: time, id };
  });

/** The cursor for the page after the row with this sort key. */
export function encodeCursor(at: Date | string, id: string): string {
  const iso = typeof at === "string" ? at : at.toISOString();
  return Buffer.from(`${iso}|${id}`, "utf8").toString("base64url");
}

/** Parses one path parameter; throws 422 naming it (bad percent-encoding included). */
export function parseParam<T extends z.ZodType>(
  name: string,
  schema: T,
  value: string,
): z.output<T> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    throw invalidField(name, "is not valid percent-encoding (each % starts a %XX escape of UTF-8)");
  }
  const problem = textProblem(decoded, false);
  if (problem) throw invalidField(name, problem);
  const result = schema.safeParse(decoded);
  if (!result.success) throw validationFailed(result.error, name);
  return result.data;
}

/**
 * A free-form path segment (a model name, an inference id), decoded when it is valid
 * percent-encoding and kept as it came otherwise (a literal `%` in a name); throws 422
 * naming it when it holds a control character.
 */
export function parseSegment(name: string, value: string): string {
  let decoded = value;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    // Note: Next hands params over decoded once already; a lone `%` is then part of the name.
  }
  const problem = textProblem(decoded, false);
  if (problem) throw invalidField(name, problem);
  return decoded;
}
