import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startAnvil, type AnvilInstance } from "@/lib/devnet/anvil";
import {
  startFaultyRpcProxy,
  type FaultyRpcProxy,
  type RpcFault,
} from "@/tests/helpers/faulty-rpc-proxy";

const CHAIN_ID = 31337;
const DEV_ACCOUNT = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
// Init code: PUSH1 0xff, PUSH1 0, MSTORE, PUSH1 0x20, PUSH1 0, LOG0 — a creation that emits a log.
const EMIT_LOG0 = "0x60ff60005260206000a0";

let anvil: AnvilInstance | undefined;
const proxies: FaultyRpcProxy[] = [];

interface RpcReply {
  status: number;
  headers: Headers;
  text: string;
}

interface JsonRpcBody<T> {
  result?: T;
  error?: { code: number; message: string };
}

interface RpcLog {
  blockHash: string;
  blockNumber: string;
}

function upstream(): string {
  if (!anvil) throw new Error("anvil did not start");
  return anvil.rpcUrl;
}

async function proxyWith(faults: RpcFault[], extra: { hangMs?: number; seed?: number } = {}) {
  const proxy = await startFaultyRpcProxy({
    target: upstream(),
    seed: extra.seed ?? 1,
    faultRate: 1,
    faults,
    hangMs: extra.hangMs,
  });
  proxies.push(proxy);
  return proxy;
}

async function rpc(
  url: string,
  method: string,
  params: unknown[] = [],
  init: { id?: number; signal?: AbortSignal } = {},
): Promise<RpcReply> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: init.id ?? 1, method, params }),
    signal: init.signal,
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

async function result<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const body = JSON.parse((await rpc(url, method, params)).text) as JsonRpcBody<T>;
  if (body.error || body.result === undefined) {
    throw new Error(`${method} failed: ${body.error?.message ?? "no result"}`);
  }
  return body.result;
}

/** Anvil mines a sent transaction right away, but its receipt may show up a moment later. */
async function receiptOf(txHash: string): Promise<{ blockNumber: string; logs: RpcLog[] }> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const receipt = await result<{ blockNumber: string; logs: RpcLog[] } | null>(
      upstream(),
      "eth_getTransactionReceipt",
      [txHash],
    );
    if (receipt) return receipt;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no receipt for ${txHash}`);
}

beforeAll(async () => {
  anvil = await startAnvil({ chainId: CHAIN_ID });
  await result(anvil.rpcUrl, "anvil_mine", ["0x5"]); // so that blocks 0..5 exist
});

afterEach(async () => {
  await Promise.all(proxies.splice(0).map((proxy) => proxy.stop()));
});

afterAll(async () => {
  await anvil?.stop();
});

describe("faulty RPC proxy", () => {
  it("caps multi-block eth_getLogs with -32005 once, then lets the identical retry through", async () => {
    const proxy = await proxyWith(["too_many_results"]);
    const params = [{ fromBlock: "0x0", toBlock: "0x5" }];

    const first = await rpc(proxy.url, "eth_getLogs", params);
    expect(first.status).toBe(200);
    const firstBody = JSON.parse(first.text) as JsonRpcBody<RpcLog[]>;
    expect(firstBody.error).toEqual({
      code: -32005,
      message: "query returned more than 10000 results",
    });

    const retry = await rpc(proxy.url, "eth_getLogs", params);
    expect(retry.status).toBe(200);
    const retryBody = JSON.parse(retry.text) as JsonRpcBody<RpcLog[]>;
    expect(retryBody.error).toBeUndefined();
    expect(Array.isArray(retryBody.result)).toBe(true);
  });

  it("never caps an eth_getLogs over a single block", async () => {
    const proxy = await proxyWith(["too_many_results"]);
    const reply = await rpc(proxy.url, "eth_getLogs", [{ fromBlock: "0x1", toBlock: "0x1" }]);
    expect((JSON.parse(reply.text) as JsonRpcBody<RpcLog[]>).error).toBeUndefined();
    expect(proxy.stats().faults.too_many_results).toBe(0);
  });

  it("rate-limits with HTTP 429 and Retry-After: 1", async () => {
    const proxy = await proxyWith(["rate_limit"]);
    const reply = await rpc(proxy.url, "eth_blockNumber");
    expect(reply.status).toBe(429);
    expect(reply.headers.get("retry-after")).toBe("1");
    expect((JSON.parse(reply.text) as JsonRpcBody<string>).error?.code).toBeTypeOf("number");
  });

  it("answers a server error with a 5xx status and a plain-text body", async () => {
    const proxy = await proxyWith(["server_error"]);
    const reply = await rpc(proxy.url, "eth_blockNumber");
    expect([500, 502, 503]).toContain(reply.status);
    expect(reply.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(() => JSON.parse(reply.text) as unknown).toThrow();
  });

  it("truncates the upstream body so that it no longer parses as JSON", async () => {
    const proxy = await proxyWith(["truncated_json"]);
    const reply = await rpc(proxy.url, "eth_blockNumber");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toMatch(/application\/json/);
    expect(reply.text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(reply.text) as unknown).toThrow();
  });

  it("serves a log whose blockHash differs from the canonical block's hash", async () => {
    const txHash = await result<string>(upstream(), "eth_sendTransaction", [
      { from: DEV_ACCOUNT, data: EMIT_LOG0 },
    ]);
    const receipt = await receiptOf(txHash);
    expect(receipt.logs).toHaveLength(1);
    const block = await result<{ hash: string }>(upstream(), "eth_getBlockByNumber", [
      receipt.blockNumber,
      false,
    ]);
    const proxy = await proxyWith(["wrong_block_hash"]);
    const filter = [{ fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber }];

    const logs = await result<RpcLog[]>(proxy.url, "eth_getLogs", filter);
    expect(logs).toHaveLength(1);
    expect(logs[0]!.blockHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(logs[0]!.blockHash).not.toBe(block.hash);
    expect(logs[0]!.blockHash.slice(0, -1)).toBe(block.hash.slice(0, -1));

    const retried = await result<RpcLog[]>(proxy.url, "eth_getLogs", filter);
    expect(retried[0]!.blockHash).toBe(block.hash);
    expect(proxy.stats().faults.wrong_block_hash).toBe(1);
  });

  it("hangs until the client gives up, and stop() still resolves promptly", async () => {
    const proxy = await proxyWith(["hang"], { hangMs: 500 });
    await expect(
      rpc(proxy.url, "eth_blockNumber", [], { signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
    const stopping = Date.now();
    await proxy.stop();
    expect(Date.now() - stopping).toBeLessThan(1000);
  });

  it("drops a hung connection after hangMs", async () => {
    const proxy = await proxyWith(["hang"], { hangMs: 300 });
    const started = Date.now();
    await expect(rpc(proxy.url, "eth_blockNumber")).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("destroys hung connections on stop()", async () => {
    const proxy = await proxyWith(["hang"]); // default hangMs: 30 s
    const pending = rpc(proxy.url, "eth_blockNumber");
    const outcome = pending.then(
      () => "answered",
      () => "rejected",
    );
    while (proxy.stats().faults.hang === 0) await new Promise((r) => setTimeout(r, 10));
    const stopping = Date.now();
    await proxy.stop();
    expect(Date.now() - stopping).toBeLessThan(1000);
    expect(await outcome).toBe("rejected");
  });

  it("counts faults and clean forwards, sparing retries, eth_chainId, batches and disabled runs", async () => {
    const proxy = await proxyWith(["rate_limit"]);

    expect((await rpc(proxy.url, "eth_blockNumber", [], { id: 1 })).status).toBe(429);
    // A retry with a fresh id (as viem does) is the same call: forwarded cleanly.
    expect((await rpc(proxy.url, "eth_blockNumber", [], { id: 2 })).status).toBe(200);
    expect((await rpc(proxy.url, "eth_chainId")).status).toBe(200);
    const batch = await fetch(proxy.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] },
        { jsonrpc: "2.0", id: 2, method: "eth_gasPrice", params: [] },
      ]),
    });
    expect(batch.status).toBe(200);
    expect((await batch.json()) as unknown[]).toHaveLength(2);
    proxy.setEnabled(false);
    expect((await rpc(proxy.url, "eth_gasPrice")).status).toBe(200);
    proxy.setEnabled(true);
    expect((await rpc(proxy.url, "eth_gasPrice")).status).toBe(429);

    expect(proxy.stats()).toEqual({
      requests: 6,
      clean: 4,
      faults: {
        rate_limit: 2,
        server_error: 0,
        hang: 0,
        too_many_results: 0,
        truncated_json: 0,
        wrong_block_hash: 0,
      },
    });
  });

  it("counts a drawn fault that does not apply to the request as clean", async () => {
    const proxy = await proxyWith(["too_many_results", "wrong_block_hash"]);
    expect((await rpc(proxy.url, "eth_blockNumber")).status).toBe(200);
    const empty = await rpc(proxy.url, "eth_getLogs", [{ fromBlock: "0x0", toBlock: "0x0" }]);
    expect((JSON.parse(empty.text) as JsonRpcBody<RpcLog[]>).result).toEqual([]);
    expect(proxy.stats()).toMatchObject({ requests: 2, clean: 2 });
  });

  it("injects the same faults for the same seed and request sequence", async () => {
    const statusesFor = async (seed: number) => {
      const proxy = await startFaultyRpcProxy({
        target: upstream(),
        seed,
        faultRate: 0.5,
        faults: ["rate_limit", "server_error"],
      });
      proxies.push(proxy);
      const statuses: number[] = [];
      for (let block = 0; block < 20; block++) {
        const reply = await rpc(proxy.url, "eth_getBlockByNumber", [`0x${block % 6}`, false]);
        statuses.push(reply.status);
      }
      return { statuses, stats: proxy.stats() };
    };
    const first = await statusesFor(42);
    const second = await statusesFor(42);
    expect(second).toEqual(first);
    expect(first.statuses).toContain(200);
    expect(first.statuses.some((status) => status !== 200)).toBe(true);
  });
});
