import type pg from "pg";
import { getChainId } from "@/lib/chain/get-logs";
import { redactUrl, RpcError, type JsonRpcClient } from "@/lib/chain/json-rpc";
import { recordSourceError } from "../checkpoint";
import type { ChainSync } from "./chain-sync";
import { InconsistentRangeError } from "./fetch-range";
import { DeepReorgError } from "./reorg";

/** Not worth retrying: configuration, a refused request, a reorg past finality. */
export function isFatal(error: unknown): boolean {
  if (error instanceof DeepReorgError) return true;
  if (error instanceof InconsistentRangeError) return false;
  if (error instanceof RpcError) return !error.retryable;
  return false;
}

/** Throws a fatal RpcError when the RPC at `url` serves another chain than `chainId`. */
export async function checkChainId(rpc: JsonRpcClient, chainId: number, url: string) {
  const actual = await getChainId(rpc);
  if (actual !== chainId) {
    throw new RpcError(
      `The RPC at ${redactUrl(url)} serves chain ${actual}, but the sources say chain ${chainId}.`,
      false,
    );
  }
}

/**
 * One chain to its head: reorg check, then sync. A range that keeps disagreeing with its
 * blocks (a reorg while reading) sends it back to the reorg check, a few times at most.
 * Errors are recorded on the chain's sources before they propagate.
 */
export async function syncToHead(
  pool: pg.Pool,
  sync: ChainSync,
): Promise<{ events: number; reorged: boolean; head: bigint }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const head = await sync.head();
      const ancestor = await sync.reconcile();
      const events = await sync.syncTo(head, head);
      return { events, reorged: ancestor !== undefined, head };
    } catch (error) {
      if (error instanceof InconsistentRangeError && attempt < 5) continue;
      await recordSourceError(pool, sync.sourceIds, (error as Error).message);
      throw error;
    }
  }
}
