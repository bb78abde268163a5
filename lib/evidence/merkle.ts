import { concat, encodeAbiParameters, keccak256, type Hex } from "viem";
import { z } from "zod";

/**
 * Leaf encoding of a settlement batch blob (shared/opengradient/FACTS.md): each value is
 * `[teeId, inputHash, outputHash, signatureBytes, timestamp]`.
 */
export const BATCH_LEAF_ENCODING = ["bytes32", "bytes32", "bytes32", "bytes", "uint256"] as const;

/** A leaf value as it appears in a dump: hex strings, and numbers or strings for integers. */
export type LeafValue = readonly (string | number)[];

/**
 * A StandardMerkleTree dump. Invariant (as OpenZeppelin builds it): `tree` is a complete
 * binary tree in an array, children of node i at 2i+1 and 2i+2, each internal node the
 * keccak256 of its two children sorted as numbers; the leaves fill the last
 * `values.length` slots, and each value records the slot of its leaf hash.
 */
export interface TreeDump {
  format: "standard-v1";
  leafEncoding: readonly string[];
  tree: Hex[];
  values: { value: LeafValue; treeIndex: number }[];
}

/**
 * OpenZeppelin's `standardLeafHash`: keccak256(keccak256(abi.encode(values))). Integer
 * types accept numbers, bigints and decimal or 0x strings, as OpenZeppelin's encoder does.
 *
 * @throws viem's encoding errors when a value does not fit its type.
 */
export function standardLeafHash(
  types: readonly string[],
  values: readonly (string | number | bigint)[],
): Hex {
  const params = types.map((type) => ({ type }));
  const args = values.map((value, i) => (/^u?int/.test(types[i] ?? "") ? BigInt(value) : value));
  return keccak256(keccak256(encodeAbiParameters(params, args)));
}

/** OpenZeppelin's node hash: keccak256 of the two children in ascending order. */
export function hashPair(a: Hex, b: Hex): Hex {
  const [x, y] = [a.toLowerCase() as Hex, b.toLowerCase() as Hex];
  return keccak256(concat(x < y ? [x, y] : [y, x]));
}

/** Whether `proof` (sibling hashes from leaf to root) leads from `leaf` to `root`. */
export function verifyMerkleProof(root: Hex, leaf: Hex, proof: readonly Hex[]): boolean {
  return proof.reduce(hashPair, leaf.toLowerCase() as Hex) === root.toLowerCase();
}

/** The sibling path of tree slot `index` up to the root, as OpenZeppelin's `getProof`. */
export function proofFromTree(tree: readonly Hex[], index: number): Hex[] {
  const proof: Hex[] = [];
  for (let i = index; i > 0; i = Math.floor((i - 1) / 2)) {
    proof.push(tree[i % 2 === 1 ? i + 1 : i - 1] as Hex);
  }
  return proof;
}

/**
 * Builds what `StandardMerkleTree.of(values, leafEncoding).dump()` returns (leaves sorted
 * by hash), so `JSON.stringify` of both is identical. Used by the devnet simulator to
 * publish batch blobs.
 *
 * @throws RangeError for an empty batch (OpenZeppelin refuses it too).
 */
export function buildStandardTree(
  values: readonly LeafValue[],
  leafEncoding: readonly string[] = BATCH_LEAF_ENCODING,
): TreeDump {
  if (values.length === 0) throw new RangeError("A Merkle tree needs at least one leaf");
  const hashed = values
    .map((value, valueIndex) => ({ valueIndex, hash: standardLeafHash(leafEncoding, value) }))
    .sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
  const tree: Hex[] = new Array<Hex>(2 * values.length - 1);
  hashed.forEach(({ hash }, i) => (tree[tree.length - 1 - i] = hash));
  for (let i = tree.length - 1 - values.length; i >= 0; i--) {
    tree[i] = hashPair(tree[2 * i + 1] as Hex, tree[2 * i + 2] as Hex);
  }
  const treeIndex = new Array<number>(values.length);
  hashed.forEach(
    ({ valueIndex }, leafIndex) => (treeIndex[valueIndex] = tree.length - 1 - leafIndex),
  );
  return {
    format: "standard-v1",
    leafEncoding,
    tree,
    values: values.map((value, i) => ({ value, treeIndex: treeIndex[i] as number })),
  };
}

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 32 bytes of 0x-hex");

/** Shape of a `standard-v1` dump; tree geometry is checked by {@link parseTreeDump}. */
export const treeDumpSchema = z.object({
  format: z.literal("standard-v1"),
  leafEncoding: z.array(z.string()).min(1),
  tree: z.array(hex32).min(1),
  values: z
    .array(
      z.object({
        value: z.array(z.union([z.string(), z.number()])),
        treeIndex: z.number().int().nonnegative(),
      }),
    )
    .min(1),
});

/** Outcome of {@link parseTreeDump}: a malformed blob is a finding, not an exception. */
export type TreeDumpParse = { ok: true; dump: TreeDump } | { ok: false; error: string };

/**
 * Validates a batch blob (JSON text or parsed) as a `standard-v1` dump with the expected
 * leaf encoding (FACTS' by default), a tree of 2n-1 nodes for n values, each value of the
 * encoding's arity, and each treeIndex a distinct leaf slot. Leaf contents are not hashed
 * here; {@link verifyTreeDump} does that.
 */
export function parseTreeDump(
  json: unknown,
  expectedEncoding: readonly string[] = BATCH_LEAF_ENCODING,
): TreeDumpParse {
  let data: unknown = json;
  if (typeof json === "string") {
    try {
      data = JSON.parse(json);
    } catch (error) {
      return { ok: false, error: `Not JSON: ${(error as Error).message}` };
    }
  }
  const parsed = treeDumpSchema.safeParse(data);
  if (!parsed.success) return { ok: false, error: z.prettifyError(parsed.error) };
  const dump = parsed.data as TreeDump;
  if (dump.leafEncoding.join(",") !== expectedEncoding.join(",")) {
    return { ok: false, error: `Leaf encoding is [${dump.leafEncoding.join(", ")}]` };
  }
  const n = dump.values.length;
  if (dump.tree.length !== 2 * n - 1) {
    return { ok: false, error: `Tree has ${dump.tree.length} nodes for ${n} values` };
  }
  const seen = new Set<number>();
  for (const [i, { value, treeIndex }] of dump.values.entries()) {
    if (value.length !== expectedEncoding.length) {
      return { ok: false, error: `Value ${i} has ${value.length} fields` };
    }
    if (treeIndex < n - 1 || treeIndex >= dump.tree.length || seen.has(treeIndex)) {
      return { ok: false, error: `Value ${i} points at tree slot ${treeIndex}, not a free leaf` };
    }
    seen.add(treeIndex);
  }
  return { ok: true, dump };
}

/** One leaf's check: its hash, its proof computed from the tree, and whether it proves. */
export interface LeafCheck {
  index: number;
  leafHash: Hex | null;
  proof: Hex[];
  ok: boolean;
}

/**
 * Re-checks every leaf of a parsed dump against the root recorded on chain: the value must
 * hash to the leaf in its slot and its proof (built from the tree array) must lead to
 * `expectedRoot`. `rootOk` says whether the dump's own root is the on-chain one.
 */
export function verifyTreeDump(
  dump: TreeDump,
  expectedRoot: Hex,
): { rootOk: boolean; leaves: LeafCheck[] } {
  const leaves = dump.values.map(({ value, treeIndex }, index): LeafCheck => {
    const proof = proofFromTree(dump.tree, treeIndex);
    let leafHash: Hex | null;
    try {
      leafHash = standardLeafHash(dump.leafEncoding, value);
    } catch {
      leafHash = null; // a value that does not encode cannot be in any tree
    }
    const inSlot = leafHash !== null && leafHash === dump.tree[treeIndex]?.toLowerCase();
    const ok = inSlot && verifyMerkleProof(expectedRoot, leafHash as Hex, proof);
    return { index, leafHash, proof, ok };
  });
  const rootOk = (dump.tree[0] ?? "").toLowerCase() === expectedRoot.toLowerCase();
  return { rootOk, leaves };
}
