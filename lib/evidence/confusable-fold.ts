import unhomoglyph from "unhomoglyph";

// Note: `unhomoglyph` maps every character of Unicode's confusables.txt (UTS #39) to its
// prototype, so Greek ο, Cyrillic о and fullwidth ｏ all become Latin o. It does not normalise
// first nor drop invisible characters (a zero-width space is not "confusable", it is nothing),
// so NFKC and the removal of default-ignorable code points are done here.
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;

/**
 * The confusable skeleton of a name (UTS #39 style): NFKC, invisible and format characters
 * removed, each confusable mapped to its prototype, NFKC again. Two names with the same
 * skeleton look the same to a reader. The skeleton is a comparison key, never shown: it maps
 * ASCII too (`1` and `l` share one), so compare skeletons with skeletons only.
 */
export function confusableSkeleton(name: string): string {
  const visible = name.normalize("NFKC").replace(INVISIBLE, "");
  return unhomoglyph(visible).normalize("NFKC");
}

/** Whether a name is plain printable ASCII: such a name is never the look-alike of another. */
export function isPlainAscii(name: string): boolean {
  return /^[\x20-\x7e]*$/.test(name);
}

/**
 * Whether `candidate` looks like `known` without being it: same skeleton, other bytes.
 */
export function isLookalike(candidate: string, known: string): boolean {
  return candidate !== known && confusableSkeleton(candidate) === confusableSkeleton(known);
}

/** The code points of a name that are not plain ASCII, as `U+03BF` labels (for findings). */
export function nonAsciiCodePoints(name: string): string[] {
  return [...name]
    .filter((c) => !isPlainAscii(c))
    .map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`);
}
