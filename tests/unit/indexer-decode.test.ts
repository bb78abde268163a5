import { encodeAbiParameters, encodeEventTopics, keccak256, toHex, type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { OPG_TOKEN_ABI, SETTLEMENT_RELAY_ABI } from "@/lib/chain/abis";
import { createRangeSizer, type RawLog } from "@/lib/chain/get-logs";
import { parseRetryAfter } from "@/lib/chain/json-rpc";
import { createRng } from "@/lib/devnet/scenario/rng";
import {
  bytesToUtf8,
  decodeBatchSettlement,
  decodeIndividualSettlement,
  decodeTransfer,
  decodeWithAbi,
} from "@/lib/indexer/decode";
import { formatProgress } from "@/lib/indexer/progress";

const CASES = Number(process.env.DECODE_CASES ?? 200);
const SEED = process.env.DECODE_SEED ?? "decode";

function rawLog(topics: Hex[], data: Hex): RawLog {
  return {
    address: "0x0000000000000000000000000000000000000001",
    topics,
    data,
    blockNumber: 1n,
    blockHash: keccak256("0x01"),
    transactionHash: keccak256("0x02"),
    transactionIndex: 0,
    logIndex: 0,
  };
}

describe("the hand-written decoders agree with viem", () => {
  const rng = createRng(SEED);
  const hex = (n: number) => toHex(rng.bytes(n));
  const address = () => hex(20).toLowerCase() as Hex;

  it(`IndividualSettlement, on ${CASES} random logs (seed ${SEED})`, () => {
    for (let i = 0; i < CASES; i++) {
      const args = {
        teeId: hex(32),
        ethAddress: address(),
        inputHash: hex(32),
        outputHash: hex(32),
        timestamp: BigInt(rng.int(0, 2 ** 31)),
        walrusBlobId: hex(rng.int(0, 60)),
        signature: hex(rng.int(0, 300)),
      };
      const topics = encodeEventTopics({
        abi: SETTLEMENT_RELAY_ABI,
        eventName: "IndividualSettlement",
        args: { teeId: args.teeId, ethAddress: args.ethAddress },
      }) as Hex[];
      const data = encodeAbiParameters(
        [
          { type: "bytes32" },
          { type: "bytes32" },
          { type: "uint256" },
          { type: "bytes" },
          { type: "bytes" },
        ],
        [args.inputHash, args.outputHash, args.timestamp, args.walrusBlobId, args.signature],
      );
      const log = rawLog(topics, data);
      const viem = decodeWithAbi(SETTLEMENT_RELAY_ABI, log).args;
      const ours = decodeIndividualSettlement(log);
      expect(ours, `seed ${SEED} case ${i}`).toEqual({
        ...args,
        ethAddress: String(viem.ethAddress).toLowerCase(),
      });
    }
  });

  it("BatchSettlement and Transfer", () => {
    const root = hex(32);
    const batch = rawLog(
      encodeEventTopics({
        abi: SETTLEMENT_RELAY_ABI,
        eventName: "BatchSettlement",
        args: { merkleRoot: root },
      }) as Hex[],
      encodeAbiParameters([{ type: "uint256" }, { type: "bytes" }], [42n, toHex("blob-id")]),
    );
    expect(decodeBatchSettlement(batch)).toEqual({
      merkleRoot: root,
      batchSize: 42n,
      walrusBlobId: toHex("blob-id"),
    });
    expect(bytesToUtf8(decodeBatchSettlement(batch).walrusBlobId)).toBe("blob-id");
    const [from, to] = [address(), address()];
    const transfer = rawLog(
      encodeEventTopics({ abi: OPG_TOKEN_ABI, eventName: "Transfer", args: { from, to } }) as Hex[],
      encodeAbiParameters([{ type: "uint256" }], [10n ** 24n]),
    );
    expect(decodeTransfer(transfer)).toEqual({ from, to, value: 10n ** 24n });
  });

  it("refuses data that is too short instead of reading past it", () => {
    const topics = [
      keccak256("0x00"),
      hex(32),
      `0x${"0".repeat(24)}${address().slice(2)}`,
    ] as Hex[];
    expect(() => decodeIndividualSettlement(rawLog(topics, "0x1234"))).toThrow(RangeError);
  });
});

describe("eth_getLogs range sizing", () => {
  it("halves the span when the provider refuses a range and grows it while answers are small", () => {
    const sizer = createRangeSizer({ initial: 1000n, max: 4000n, targetLogs: 1000 });
    sizer.refused(1000n);
    expect(sizer.span).toBe(500n);
    sizer.observe(10, 500n);
    expect(sizer.span).toBe(1000n);
    sizer.observe(5000, 1000n);
    expect(sizer.span).toBe(200n);
    for (let i = 0; i < 10; i++) sizer.observe(0, sizer.span);
    expect(sizer.span).toBe(4000n);
  });
});

describe("Retry-After", () => {
  it("reads seconds and HTTP dates, capped at a minute", () => {
    expect(parseRetryAfter("2")).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 5_000)).toBe(5000);
    expect(parseRetryAfter("3600")).toBe(60_000);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe("progress", () => {
  it("shows blocks done of total, events, events per second and an ETA", () => {
    const line = formatProgress(
      {
        chainId: 10740,
        startBlock: 1n,
        targetBlock: 100n,
        doneBlock: 50n,
        events: 5000,
        elapsedMs: 2000,
      },
      10,
    );
    expect(line).toBe(
      "chain 10740 [#####-----] 50/100 blocks · 5,000 events · 2,500 events/s · ETA 0:02",
    );
  });
});

describe("isStateUnavailable()", () => {
  it("recognises a node without state for an old block, and nothing else", async () => {
    const { isStateUnavailable } = await import("@/lib/indexer/sources/tee-registry");
    const { RpcError } = await import("@/lib/chain/json-rpc");
    for (const message of [
      "eth_call failed: BlockOutOfRangeError: block height is 167 but requested was 7",
      "missing trie node 3f2a… (path )",
      "header not found",
    ]) {
      expect(isStateUnavailable(new RpcError(message, false)), message).toBe(true);
    }
    expect(isStateUnavailable(new RpcError("execution reverted", false))).toBe(false);
    expect(isStateUnavailable(new Error("BlockOutOfRangeError"))).toBe(false);
  });
});
