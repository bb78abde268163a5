/**
 * Calls a Next.js route handler in-process with a real Request, as the server would, and
 * returns the status, headers and parsed JSON. `from` sets the caller's address.
 */
export async function callRoute<C = unknown>(
  handler: (request: Request, context: C) => Promise<Response>,
  args: {
    body?: unknown;
    rawBody?: string | ReadableStream<Uint8Array>;
    contentType?: string | null;
    from?: string;
    path?: string;
    headers?: Record<string, string>;
    method?: string;
    /** Route params, for handlers under [segments]. */
    params?: Record<string, string>;
  },
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const headers = new Headers(args.headers);
  if (args.contentType !== null)
    headers.set("content-type", args.contentType ?? "application/json");
  headers.set("x-forwarded-for", args.from ?? "203.0.113.1");
  const body = args.rawBody ?? (args.body === undefined ? undefined : JSON.stringify(args.body));
  const request = new Request(`http://localhost${args.path ?? "/api/v1/test"}`, {
    method: args.method ?? "POST",
    headers,
    body,
    // Note: Node's fetch needs this to send a stream as the body.
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  } as RequestInit);
  const response = await handler(request, { params: Promise.resolve(args.params ?? {}) } as C);
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : {} };
}

/** Points the app's database handles at a test database; call before importing routes. */
export function pointAppAtDatabase(url: string, extra: Record<string, string> = {}) {
  process.env.DATABASE_URL = url;
  Object.assign(process.env, extra);
}

/** Calls a GET route handler in-process with `path` (query included) and route params. */
export async function callGet<P extends Record<string, string>>(
  handler: (request: Request, context: { params: Promise<P> }) => Promise<Response>,
  path: string,
  params: P = {} as P,
): Promise<{ status: number; json: Record<string, unknown> & { message?: string } }> {
  const response = await handler(new Request(`http://localhost${path}`), {
    params: Promise.resolve(params),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : {} };
}
