import { displayRpcUrl, redactSecrets, registeredSecretUrls } from "@/lib/chain/redact-url";
import { log } from "@/lib/log";

/**
 * A JSON-RPC failure, with what the caller must decide: `retryable` errors (rate limits, 5xx,
 * timeouts, dropped connections, a truncated body) are worth another attempt; the others
 * (a bad URL, a refused API key, invalid parameters) will fail the same way again.
 */
export class RpcError extends Error {
  override name = "RpcError";
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly details: {
      code?: number;
      status?: number;
      retryAfterMs?: number;
      /** No usable answer: the connection failed, timed out, or a gateway said HTTP 5xx. */
      unreachable?: boolean;
    } = {},
  ) {
    // Note: a provider's own message may echo the keyed URL; none of it leaves this process.
    super(redactSecrets(message, registeredSecretUrls()));
  }
}

/**
 * The provider refused an `eth_getLogs` range as too large (too many results, response too big,
 * range too wide). Not retried as is: the caller splits the range.
 */
export class RangeTooLargeError extends RpcError {
  override name = "RangeTooLargeError";
}

/**
 * The logs of a range disagree with the blocks they claim to be in (a provider serving two
 * forks at once, or a reorg while we read). Retryable: reading again usually agrees; if it
 * keeps disagreeing, the reorg check before the next range sorts it out.
 */
export class InconsistentRangeError extends RpcError {
  override name = "InconsistentRangeError";
}

export interface JsonRpcClient {
  url: string;
  /**
   * Sends one call, retrying retryable failures with backoff; throws RpcError otherwise.
   * With `timeoutMeansTooLarge`, a timeout throws RangeTooLargeError at once (a log query
   * that times out is split, not repeated).
   */
  request<T>(
    method: string,
    params: readonly unknown[],
    options?: { timeoutMeansTooLarge?: boolean },
  ): Promise<T>;
}

export interface JsonRpcOptions {
  /** Per attempt of `eth_getLogs` and `eth_call`, whose answers may be large or slow (30 s). */
  timeoutMs?: number;
  /**
   * Per attempt of the other calls (the head, a block header, the chain id): small answers a
   * live node gives at once, so a provider that hangs is noticed within seconds. Default 5 s
   * (or `timeoutMs` when that is shorter).
   */
  shortTimeoutMs?: number;
  /** Attempts after the first, for retryable failures. */
  retries?: number;
  /** First backoff; doubles per attempt, capped at 30 s, with jitter. */
  backoffMs?: number;
  /**
   * Called after every attempt: without an argument when the provider answered (even with a
   * JSON-RPC error), with the error otherwise. The follow loop's heartbeat records from it
   * whether the RPC is reachable while the retries are still going on.
   */
  onAttempt?: (error?: RpcError) => void;
}

/** Calls whose answers can be large or slow; every other call gets the short timeout. */
const SLOW_METHODS = new Set(["eth_getLogs", "eth_call"]);

// Note: providers word "too many results" differently: Alchemy, Infura, QuickNode, geth and
// reth all have their own sentence (and some use -32005, some -32602, some -32000).
const RANGE_TOO_LARGE =
  /more than \d+ results|too many results|response size|exceed(s|ed)? .*(limit|size)|block range|range (is )?too (large|wide)|query timeout|limit exceeded|log response size/i;

const RATE_LIMITED =
  /rate.?limit|too many requests|requests? (per|\/) ?(second|sec|minute)|exceeded .*(requests|rate|capacity|compute units)/i;

let nextId = 1;

/**
 * A minimal JSON-RPC 2.0 client over HTTP `fetch`. It exists (rather than viem's transport)
 * because the indexer must tell retryable failures from fatal ones, honour `Retry-After`, and
 * classify "too many results" so the log fetcher can split its range.
 */
export function createJsonRpcClient(url: string, options: JsonRpcOptions = {}): JsonRpcClient {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const shortTimeoutMs = options.shortTimeoutMs ?? Math.min(timeoutMs, 5_000);
  const retries = options.retries ?? 8;
  const backoffMs = options.backoffMs ?? 250;
  const target = withoutCredentials(url);
  async function attempt<T>(
    method: string,
    params: readonly unknown[],
    timeoutMeansTooLarge: boolean,
  ): Promise<T> {
    const body = JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params });
    const timeout = SLOW_METHODS.has(method) ? timeoutMs : shortTimeoutMs;
    let response: Response;
    let text: string;
    try {
      response = await fetch(target.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...target.headers },
        body,
        signal: AbortSignal.timeout(timeout),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = (error as Error).name === "TimeoutError";
      const reason = timedOut ? `timed out after ${timeout} ms` : connectionFailure(error as Error);
      if (timedOut && timeoutMeansTooLarge) {
        throw new RangeTooLargeError(`${method}: ${reason}`, false, { unreachable: true });
      }
      throw new RpcError(`${method} to ${redactUrl(url)} failed: ${reason}`, true, {
        unreachable: true,
      });
    }
    if (!response.ok) throw httpError(method, url, response, text);
    let parsed: { result?: unknown; error?: { code?: number; message?: string; data?: unknown } };
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new RpcError(
        `${method} to ${redactUrl(url)} returned malformed JSON (${text.length} bytes)`,
        true,
      );
    }
    if (parsed.error) {
      const message = String(parsed.error.message ?? "unknown error");
      const code = parsed.error.code;
      // Note: some providers answer a rate limit with HTTP 200 and -32005 too.
      if (RATE_LIMITED.test(message)) {
        throw new RpcError(`${method} to ${redactUrl(url)} was rate limited: ${message}`, true, {
          code,
        });
      }
      if (method === "eth_getLogs" && (RANGE_TOO_LARGE.test(message) || code === -32005)) {
        throw new RangeTooLargeError(`${method}: ${message}`, false, { code });
      }
      // -32603 internal errors and -32000 "header not found" (a node behind the head) pass.
      const retryable = code === -32603 || /header not found|unknown block|timeout/i.test(message);
      throw new RpcError(
        `${method} to ${redactUrl(url)} failed: ${message} (code ${code})`,
        retryable,
        { code },
      );
    }
    if (!("result" in parsed)) {
      throw new RpcError(`${method} to ${redactUrl(url)} returned neither result nor error`, true);
    }
    return parsed.result as T;
  }
  return {
    url,
    async request<T>(method: string, params: readonly unknown[], opts = {}): Promise<T> {
      const { timeoutMeansTooLarge = false } = opts as { timeoutMeansTooLarge?: boolean };
      for (let n = 0; ; n++) {
        try {
          const result = await attempt<T>(method, params, timeoutMeansTooLarge);
          options.onAttempt?.();
          return result;
        } catch (error) {
          if (error instanceof RpcError) options.onAttempt?.(error);
          if (!(error instanceof RpcError) || !error.retryable || n >= retries) throw error;
          const wait = error.details.retryAfterMs ?? backoff(backoffMs, n);
          log.debug(
            { method, attempt: n + 1, wait_ms: wait, error: error.message },
            "Retrying RPC call",
          );
          await sleep(wait);
        }
      }
    },
  };
}

/**
 * Node's fetch refuses a URL with credentials (`https://user:key@host/`, naming the whole URL
 * in its error), so they travel as HTTP Basic authorization instead, as viem's transport does.
 */
function withoutCredentials(url: string): { url: string; headers: Record<string, string> } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { url, headers: {} };
  }
  if (!u.username && !u.password) return { url, headers: {} };
  const credentials = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  u.username = "";
  u.password = "";
  const authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
  return { url: u.href, headers: { authorization } };
}

function httpError(method: string, url: string, response: Response, text: string): RpcError {
  const status = response.status;
  const where = `${method} to ${redactUrl(url)}`;
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  if (status === 429) {
    return new RpcError(`${where} was rate limited (HTTP 429)`, true, { status, retryAfterMs });
  }
  if (status >= 500 || status === 408) {
    return new RpcError(`${where} failed with HTTP ${status}`, true, {
      status,
      retryAfterMs,
      unreachable: true,
    });
  }
  if (status === 413) {
    return new RangeTooLargeError(`${where}: response too large (HTTP 413)`, false, { status });
  }
  const hint = status === 401 || status === 403 ? ": check the RPC URL and its API key" : "";
  return new RpcError(
    `${where} was refused with HTTP ${status}${hint} (${text.slice(0, 120).trim()})`,
    false,
    { status },
  );
}

/**
 * Why a request got no answer. Note: undici's own message is only "fetch failed"; what
 * happened (ECONNREFUSED, ECONNRESET, a DNS failure) is in its `cause`.
 */
function connectionFailure(error: Error): string {
  const cause = error.cause as { code?: string; message?: string } | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${error.message} (${detail})` : error.message;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; capped at 60 s. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(ms, 0), 60_000);
}

function backoff(base: number, attempt: number): number {
  const capped = Math.min(base * 2 ** attempt, 30_000);
  return capped / 2 + Math.random() * (capped / 2);
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The URL as it may be shown: scheme, host and port only (keys live in the rest). */
export const redactUrl = displayRpcUrl;
