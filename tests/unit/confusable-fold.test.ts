import { describe, expect, it } from "vitest";
import {
  confusableSkeleton,
  isLookalike,
  isPlainAscii,
  nonAsciiCodePoints,
} from "@/lib/evidence/confusable-fold";

const REAL = "openai/gpt-4.1";

describe("confusableSkeleton()", () => {
  it("folds a Greek omicron, a Cyrillic o and a fullwidth o onto the Latin name", () => {
    for (const fake of ["\u03bfpenai/gpt-4.1", "\u043epenai/gpt-4.1", "\uff4fpenai/gpt-4.1"]) {
      expect(fake).not.toBe(REAL);
      expect(confusableSkeleton(fake)).toBe(confusableSkeleton(REAL));
      expect(isLookalike(fake, REAL)).toBe(true);
    }
  });

  it("drops zero-width and other invisible characters", () => {
    for (const fake of [
      "open\u200bai/gpt-4.1",
      "\u2060openai/gpt-4.1",
      "openai/gpt\u00ad-4.1",
      "openai/gpt-4.1\ufeff",
    ]) {
      expect(isLookalike(fake, REAL)).toBe(true);
    }
  });

  it("folds Cyrillic and Greek capitals and mixed scripts", () => {
    // Cyrillic А, С, Е and Greek Ι, Κ in place of Latin capitals.
    expect(isLookalike("\u0410nthropic/\u0421laude", "Anthropic/Claude")).toBe(true);
    expect(isLookalike("\u0399\u039aEA/model", "IKEA/model")).toBe(true);
  });

  it("tells different models apart, and a name is never a look-alike of itself", () => {
    expect(isLookalike(REAL, REAL)).toBe(false);
    expect(isLookalike("openai/gpt-4.2", REAL)).toBe(false);
    expect(isLookalike("anthropic/claude-haiku-4-5", REAL)).toBe(false);
  });
});

describe("isPlainAscii() and nonAsciiCodePoints()", () => {
  it("names the characters a look-alike hides", () => {
    expect(isPlainAscii(REAL)).toBe(true);
    expect(isPlainAscii("\u03bfpenai/gpt-4.1")).toBe(false);
    expect(nonAsciiCodePoints("\u03bfpen\u200bai")).toEqual(["U+03BF", "U+200B"]);
  });
});
