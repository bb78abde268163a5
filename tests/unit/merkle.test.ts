import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { Hex } from "viem";
import { describe, expect, it } from "vitest";
import {
  BATCH_LEAF_ENCODING,
  buildStandardTree,
  parseTreeDump,
  standardLeafHash,
  verifyMerkleProof,
  verifyTreeDump,
  type LeafValue,
  type TreeDump,
} from "@/lib/evidence/merkle";

/** Seeded PRNG (mulberry32) so a failing random case reproduces. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomHex(next: () => number, bytes: number): Hex {
  let hex = "0x";
  for (let i = 0; i < bytes; i++)
    hex += Math.floor(next() * 256)
      .toString(16)
      .padStart(2, "0");
  return hex as Hex;
}

/** `[teeId, inputHash, outputHash, signature, timestamp]`, timestamps as numbers or strings. */
function randomBatch(next: () => number, size: number): LeafValue[] {
  return Array.from({ length: size }, (_, i) => {
    const timestamp = 1_767_225_600 + Math.floor(next() * 1e6);
    return [
      randomHex(next, 32),
      randomHex(next, 32),
      randomHex(next, 32),
      randomHex(next, 256),
      i % 2 === 0 ? timestamp : String(timestamp),
    ];
  });
}

function flipHexByte(hex: string, index: number): Hex {
  const bytes = Buffer.from(hex.slice(2), "hex");
  bytes[index] = (bytes[index] as number) ^ 0x01;
  return `0x${bytes.toString("hex")}`;
}

const BATCH = randomBatch(prng(1), 7);

/** The reference implementation, on the same values. */
function ozDump(values: readonly LeafValue[]): unknown {
  const mutable = values.map((value) => [...value]);
  return StandardMerkleTree.of(mutable, [...BATCH_LEAF_ENCODING]).dump();
}

describe("buildStandardTree()", () => {
  it("dumps byte for byte what StandardMerkleTree.of().dump() dumps, for 1 to 33 random leaves", () => {
    const next = prng(42);
    for (let size = 1; size <= 33; size++) {
      const values = randomBatch(next, size);
      const reference = ozDump(values);
      expect(JSON.stringify(buildStandardTree(values)), `size ${size}`).toBe(
        JSON.stringify(reference),
      );
    }
  });

  it("keeps duplicate leaves in input order, as OpenZeppelin's stable sort does", () => {
    const values = [BATCH[0]!, BATCH[1]!, BATCH[0]!];
    const reference = ozDump(values);
    expect(JSON.stringify(buildStandardTree(values))).toBe(JSON.stringify(reference));
  });

  it("produces a dump OpenZeppelin's load() validates", () => {
    const dump = buildStandardTree(BATCH);
    expect(() => StandardMerkleTree.load(JSON.parse(JSON.stringify(dump)))).not.toThrow();
  });

  it("refuses an empty batch", () => {
    expect(() => buildStandardTree([])).toThrow(RangeError);
  });
});

describe("standardLeafHash() and verifyMerkleProof()", () => {
  const dump = buildStandardTree(BATCH);
  const reference = StandardMerkleTree.load(JSON.parse(JSON.stringify(dump)));
  const root = dump.tree[0]!;

  it("verify every OpenZeppelin proof of the batch", () => {
    for (const [i, value] of BATCH.entries()) {
      const leaf = standardLeafHash(BATCH_LEAF_ENCODING, value);
      expect(verifyMerkleProof(root, leaf, reference.getProof(i) as Hex[])).toBe(true);
    }
  });

  it("reject a proof with one element flipped, a flipped leaf and a flipped root", () => {
    const leaf = standardLeafHash(BATCH_LEAF_ENCODING, BATCH[3]!);
    const proof = reference.getProof(3) as Hex[];
    const badProof = proof.map((node, i) => (i === 1 ? flipHexByte(node, 31) : node));
    expect(verifyMerkleProof(root, leaf, badProof)).toBe(false);
    expect(verifyMerkleProof(root, flipHexByte(leaf, 0), proof)).toBe(false);
    expect(verifyMerkleProof(flipHexByte(root, 12), leaf, proof)).toBe(false);
  });
});

describe("parseTreeDump() and verifyTreeDump()", () => {
  const json = JSON.stringify(buildStandardTree(BATCH));
  const root = (JSON.parse(json) as TreeDump).tree[0]!;

  function parsed(text: string = json): TreeDump {
    const result = parseTreeDump(text);
    if (!result.ok) throw new Error(result.error);
    return result.dump;
  }

  it("prove every leaf of an intact blob, with OpenZeppelin's proofs", () => {
    const reference = StandardMerkleTree.load(JSON.parse(json));
    const { rootOk, leaves } = verifyTreeDump(parsed(), root);
    expect(rootOk).toBe(true);
    for (const leaf of leaves) {
      expect(leaf.ok).toBe(true);
      expect(leaf.proof).toEqual(reference.getProof(leaf.index));
    }
  });

  it("fail only the leaf whose signature bytes were changed by one byte", () => {
    const dump = parsed();
    const value = [...dump.values[2]!.value];
    value[3] = flipHexByte(value[3] as string, 40);
    dump.values[2] = { ...dump.values[2]!, value };
    const { rootOk, leaves } = verifyTreeDump(dump, root);
    expect(rootOk).toBe(true);
    expect(leaves.filter((leaf) => !leaf.ok).map((leaf) => leaf.index)).toEqual([2]);
  });

  it("fail the leaves whose proof runs through a tampered tree node", () => {
    const dump = parsed();
    const slot = dump.values[4]!.treeIndex;
    dump.tree[slot] = flipHexByte(dump.tree[slot]!, 5);
    const failing = verifyTreeDump(dump, root).leaves.filter((leaf) => !leaf.ok);
    expect(failing.map((leaf) => leaf.index)).toContain(4);
    expect(failing.length).toBeLessThan(BATCH.length);
  });

  it("fail every leaf and the root when the on-chain root differs by one byte", () => {
    const { rootOk, leaves } = verifyTreeDump(parsed(), flipHexByte(root, 31));
    expect(rootOk).toBe(false);
    expect(leaves.every((leaf) => !leaf.ok)).toBe(true);
  });

  it("mark a value that cannot be ABI-encoded as not ok, without throwing", () => {
    const dump = parsed();
    dump.values[0] = { ...dump.values[0]!, value: ["0x12", "0x34", "0x56", "0x", 1] };
    const [first] = verifyTreeDump(dump, root).leaves;
    expect(first).toMatchObject({ index: 0, leafHash: null, ok: false });
  });

  it("reject blobs that are not standard-v1 dumps of the FACTS leaf encoding", () => {
    const good = JSON.parse(json) as Record<string, unknown>;
    const variants: [string, unknown][] = [
      ["not JSON", "{"],
      ["another format", { ...good, format: "simple-v1" }],
      ["another encoding", { ...good, leafEncoding: ["bytes32", "bytes32", "bytes32", "uint256"] }],
      ["a missing node", { ...good, tree: (good.tree as string[]).slice(1) }],
      ["a short node", { ...good, tree: ["0x12", ...(good.tree as string[]).slice(1)] }],
      ["an internal slot", { ...good, values: [{ value: BATCH[0], treeIndex: 0 }] }],
      ["no values", { ...good, values: [] }],
    ];
    for (const [label, blob] of variants) expect(parseTreeDump(blob).ok, label).toBe(false);
    expect(parseTreeDump(good).ok).toBe(true);
  });

  it("reject two values pointing at the same leaf slot", () => {
    const dump = JSON.parse(json) as TreeDump;
    dump.values[1] = { ...dump.values[1]!, treeIndex: dump.values[0]!.treeIndex };
    expect(parseTreeDump(dump)).toMatchObject({ ok: false });
  });
});
