/** An API answer that was not 2xx, with the message the API wrote for people. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiCallError";
  }
}

/**
 * The share token of the page this runs on (`?share=` in its address), sent with its API
 * calls as X-Share-Token: on a private deployment a shared page's own data needs it.
 */
function shareHeader(): Record<string, string> {
  if (typeof window === "undefined") return {};
  const share = new URLSearchParams(window.location.search).get("share");
  return share ? { "X-Share-Token": share } : {};
}

/**
 * Calls this app's API from the browser (same origin, so the session cookie and the Origin
 * header go with it) and answers the JSON, or throws ApiCallError with the API's message.
 */
export async function callApi<T>(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: {
      ...shareHeader(),
      ...(init.body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: "same-origin",
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const message = (json as { message?: string } | null)?.message;
    throw new ApiCallError(response.status, message ?? `The server answered ${response.status}.`);
  }
  return json as T;
}
