import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * The ways a real RPC provider misbehaves that an indexer must survive. Each one maps to a
 * failure seen in the wild: throttling, flaky gateways, stalled connections, providers capping
 * `eth_getLogs` result sizes, responses cut off mid-stream, and nodes serving logs from a block
 * that was reorged away (their blockHash no longer matches the canonical block).
 */
export type RpcFault =
  /** HTTP 429 with `Retry-After: 1` and a JSON-RPC error body. */
  | "rate_limit"
  /** HTTP 500, 502 or 503 (picked by the seeded rng) with a plain-text body. */
  | "server_error"
  /** Never answers; the socket is destroyed after `hangMs` (or on `stop()`). */
  | "hang"
  /** `eth_getLogs` over more than one block only: JSON-RPC error -32005 with HTTP 200. */
  | "too_many_results"
  /** Forwarded, then only the first half of the upstream body is sent (HTTP 200). */
  | "truncated_json"
  /** `eth_getLogs` with at least one log only: one log's blockHash has its last hex digit flipped. */
  | "wrong_block_hash";

/** A running proxy; see {@link startFaultyRpcProxy}. */
export interface FaultyRpcProxy {
  /** Base URL to give the client under test instead of the upstream URL: http://127.0.0.1:<port>. */
  url: string;
  /**
   * How many faults of each kind were injected so far, and how many requests were forwarded
   * cleanly. `requests` counts every request received, so it equals `clean` plus all faults,
   * except for requests the upstream itself failed to answer (those get a 502 and count as
   * neither).
   */
  stats(): { requests: number; clean: number; faults: Record<RpcFault, number> };
  /** Turn injection on/off at runtime (on by default), e.g. to let a test settle cleanly. */
  setEnabled(enabled: boolean): void;
  /** Closes the server and destroys open sockets, including hung ones. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startFaultyRpcProxy}. */
interface FaultyRpcProxyOptions {
  /** Upstream JSON-RPC URL (a real anvil). */
  target: string;
  /** Seed of the PRNG: the same seed and the same request sequence give the same faults. */
  seed: number;
  /** Probability that a request gets a fault, default 0.3. */
  faultRate?: number;
  /** Which kinds may be injected, default all six. */
  faults?: RpcFault[];
  /** How long a "hang" keeps the connection open before destroying it, default 30_000 ms. */
  hangMs?: number;
  /** Methods never faulted (default: ["eth_chainId"]), so clients can still start up. */
  spare?: string[];
}

/** Every kind of fault the proxy can inject. */
export const ALL_FAULTS: readonly RpcFault[] = [
  "rate_limit",
  "server_error",
  "hang",
  "too_many_results",
  "truncated_json",
  "wrong_block_hash",
];
const SERVER_ERROR_STATUSES = [500, 502, 503] as const;
const HOST = "127.0.0.1";

interface JsonRpcRequest {
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

interface UpstreamResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

/** mulberry32: a tiny seeded PRNG, good enough to make fault sequences reproducible. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The request when it is a single JSON-RPC call; undefined for batches and non-JSON bodies. */
function parseSingleRequest(body: string): JsonRpcRequest | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Identity of a request for the "no two faults in a row" rule. The JSON-RPC id is left out on
 * purpose: clients such as viem give every attempt a fresh id, so a retry of the same call
 * would otherwise never be recognised as one.
 */
function retryKey(request: JsonRpcRequest): string {
  return JSON.stringify([request.method, request.params ?? null]);
}

const HEX_QUANTITY = /^0x[0-9a-fA-F]+$/;

/** Whether an eth_getLogs filter may cover more than one block; tags count as "may". */
function spansSeveralBlocks(request: JsonRpcRequest): boolean {
  if (request.method !== "eth_getLogs" || !Array.isArray(request.params)) return false;
  const filter: unknown = request.params[0];
  if (!isRecord(filter) || filter.blockHash !== undefined) return false;
  const { fromBlock, toBlock } = filter;
  if (typeof fromBlock !== "string" || !HEX_QUANTITY.test(fromBlock)) return true;
  if (typeof toBlock !== "string" || !HEX_QUANTITY.test(toBlock)) return true;
  return BigInt(toBlock) - BigInt(fromBlock) >= 1n;
}

function flipLastHexDigit(hash: string): string {
  const last = hash.slice(-1);
  const flipped = (Number.parseInt(last, 16) ^ 1).toString(16);
  return hash.slice(0, -1) + (last === last.toUpperCase() ? flipped.toUpperCase() : flipped);
}

/** The eth_getLogs response with one log's blockHash changed, or undefined if it has no logs. */
function withWrongBlockHash(body: Buffer, variant: number): Buffer | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.result)) return undefined;
  const logs = parsed.result.filter(
    (log): log is Record<string, unknown> & { blockHash: string } =>
      isRecord(log) &&
      typeof log.blockHash === "string" &&
      /^0x[0-9a-fA-F]{64}$/.test(log.blockHash),
  );
  const target = logs[Math.floor(variant * logs.length)];
  if (!target) return undefined;
  target.blockHash = flipLastHexDigit(target.blockHash);
  return Buffer.from(JSON.stringify(parsed), "utf8");
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function forward(target: string, method: string, body: Buffer): Promise<UpstreamResponse> {
  const response = await fetch(target, {
    method: method === "GET" || method === "HEAD" ? "POST" : method,
    headers: { "content-type": "application/json" },
    body: new Uint8Array(body),
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "application/json",
    body: Buffer.from(await response.arrayBuffer()),
  };
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown, headers = {}) {
  res.writeHead(status, { ...headers, "content-type": "application/json" });
  res.end(JSON.stringify(payload));
}

/**
 * Starts a fault-injecting JSON-RPC proxy in front of `target`, so integration tests can prove
 * that an indexer survives a bad RPC provider against a real chain rather than a mock.
 *
 * Every request draws from a seeded mulberry32 PRNG whether to fault and which kind; a kind that
 * does not apply to the request (e.g. "too_many_results" for eth_blockNumber) forwards it cleanly
 * instead. Batches, spared methods and the retry of a just-faulted call (same method and params)
 * are always forwarded cleanly, so a client that retries gets through on the second attempt at
 * the latest. Listens on 127.0.0.1 on a free port.
 */
export async function startFaultyRpcProxy(options: FaultyRpcProxyOptions): Promise<FaultyRpcProxy> {
  const rng = mulberry32(options.seed);
  const faultRate = options.faultRate ?? 0.3;
  const kinds = options.faults ?? ALL_FAULTS;
  const hangMs = options.hangMs ?? 30_000;
  const spare = new Set(options.spare ?? ["eth_chainId"]);
  const justFaulted = new Set<string>();
  const sockets = new Set<Socket>();
  const hangTimers = new Set<NodeJS.Timeout>();
  const counts = {
    requests: 0,
    clean: 0,
    faults: Object.fromEntries(ALL_FAULTS.map((kind) => [kind, 0])) as Record<RpcFault, number>,
  };
  let enabled = true;

  /** The fault drawn for this request, or undefined when it must be forwarded cleanly. */
  function drawFault(request: JsonRpcRequest | undefined, roll: number, pick: number) {
    if (!request) return undefined; // batch or not JSON: never faulted
    const key = retryKey(request);
    if (justFaulted.delete(key)) return undefined;
    if (!enabled || (typeof request.method === "string" && spare.has(request.method))) {
      return undefined;
    }
    if (kinds.length === 0 || roll >= faultRate) return undefined;
    return kinds[Math.floor(pick * kinds.length)];
  }

  function recordFault(kind: RpcFault, request: JsonRpcRequest) {
    counts.faults[kind]++;
    justFaulted.add(retryKey(request));
  }

  function hang(req: http.IncomingMessage) {
    const socket = req.socket;
    const timer = setTimeout(() => socket.destroy(), hangMs);
    timer.unref();
    hangTimers.add(timer);
    socket.once("close", () => {
      clearTimeout(timer);
      hangTimers.delete(timer);
    });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const body = await readBody(req);
    counts.requests++;
    // Note: always three draws per request, so the faults depend only on the request sequence.
    const [roll, pick, variant] = [rng(), rng(), rng()];
    const request = parseSingleRequest(body.toString("utf8"));
    let fault = drawFault(request, roll, pick);
    if (fault === "too_many_results" && !(request && spansSeveralBlocks(request))) {
      fault = undefined;
    }
    if (fault === "wrong_block_hash" && request?.method !== "eth_getLogs") fault = undefined;

    if (request && fault === "rate_limit") {
      recordFault(fault, request);
      const error = { code: 429, message: "Too Many Requests: rate limit exceeded" };
      sendJson(res, 429, { jsonrpc: "2.0", id: request.id ?? null, error }, { "retry-after": "1" });
      return;
    }
    if (request && fault === "server_error") {
      recordFault(fault, request);
      const status = SERVER_ERROR_STATUSES[Math.floor(variant * SERVER_ERROR_STATUSES.length)]!;
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
      res.end(`${status} ${http.STATUS_CODES[status] ?? "Server Error"}`);
      return;
    }
    if (request && fault === "hang") {
      recordFault(fault, request);
      hang(req);
      return;
    }
    if (request && fault === "too_many_results") {
      recordFault(fault, request);
      const error = { code: -32005, message: "query returned more than 10000 results" };
      sendJson(res, 200, { jsonrpc: "2.0", id: request.id ?? null, error });
      return;
    }

    let upstream: UpstreamResponse;
    try {
      upstream = await forward(options.target, req.method ?? "POST", body);
    } catch (error) {
      res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
      res.end(`upstream unreachable: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    let sent = upstream.body;
    if (request && fault === "truncated_json") {
      recordFault(fault, request);
      sent = upstream.body.subarray(0, Math.floor(upstream.body.length / 2));
    } else if (request && fault === "wrong_block_hash") {
      const tampered = withWrongBlockHash(upstream.body, variant);
      if (tampered) {
        recordFault(fault, request);
        sent = tampered;
      } else counts.clean++;
    } else counts.clean++;
    const status = fault === "truncated_json" ? 200 : upstream.status;
    res.writeHead(status, { "content-type": upstream.contentType });
    res.end(sent);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      // The client went away mid-request; nothing is left to answer.
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let stopped: Promise<void> | undefined;
  return {
    url: `http://${HOST}:${port}`,
    stats: () => ({ requests: counts.requests, clean: counts.clean, faults: { ...counts.faults } }),
    setEnabled(value) {
      enabled = value;
    },
    stop() {
      stopped ??= new Promise<void>((resolve, reject) => {
        for (const timer of hangTimers) clearTimeout(timer);
        hangTimers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      });
      return stopped;
    },
  };
}
