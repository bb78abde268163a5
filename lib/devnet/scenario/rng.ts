import crypto from "node:crypto";

/** A seeded pseudo-random source: the same seed gives the same story, byte for byte. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  bytes(length: number): Buffer;
  /** An independent stream for one purpose, so adding draws elsewhere changes nothing here. */
  fork(label: string): Rng;
}

/**
 * sfc32 seeded from SHA-256 of the seed string. Not for secrets: only to make the devnet
 * story reproducible.
 */
export function createRng(seed: string): Rng {
  const h = crypto.createHash("sha256").update(seed).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  const nextUint32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) nextUint32();
  const rng: Rng = {
    next: () => nextUint32() / 2 ** 32,
    int: (min, max) => min + Math.floor(rng.next() * (max - min + 1)),
    chance: (p) => rng.next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error("pick() from an empty list");
      return items[Math.floor(rng.next() * items.length)]!;
    },
    bytes: (length) => {
      // Whole words, then cut: lengths that are not a multiple of 4 (or below 4) work too, and
      // multiples of 4 give the same bytes as before.
      const out = Buffer.alloc(Math.ceil(length / 4) * 4);
      for (let i = 0; i < out.length; i += 4) out.writeUInt32LE(nextUint32(), i);
      return out.subarray(0, length);
    },
    fork: (label) => createRng(`${seed}/${label}`),
  };
  return rng;
}
