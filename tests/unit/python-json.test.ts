import { describe, expect, it } from "vitest";
import {
  PyFloat,
  compareCodePoints,
  pyFloat,
  pythonFloatRepr,
  pythonJsonDumps,
  type PyJsonValue,
} from "@/lib/evidence/python-json";
import { parsePythonJson } from "@/lib/evidence/python-json-parse";

// Expected strings below were printed by CPython 3.11 (`json.dumps(v, sort_keys=True)` and
// `repr(float)`), not by this code. The random floats are random 64-bit patterns and
// uniform draws over 40 decades (seeded), so every exponent range and digit count shows up.
const PYTHON_FLOAT_REPRS = [
  ...["0.0", "-0.0", "1.0", "-1.0", "1e-05", "1e+16", "1000000000000000.0", "0.1", "0.0001"],
  ...["0.00012", "1.5e-07", "2.5e+300", "5e-324", "1.7976931348623157e+308", "100.0"],
  ...["0.30000000000000004", "1234.5678", "9007199254740992.0", "1.2345678901234568e+17"],
  ...["1234567890123456.0", "1.2345678901234568e+16", "0.7", "9.5367431640625e-07", "1e+22"],
  ...["1e+21", "-3.14159", "6.02214076e+23", "1.0000000000000002", "0.5"],
  ...["-2.734469386732594e-215", "-1.3539510076516268e+265", "9.99948901844074e+300"],
  ...["7.315937454080485e-95", "-1.029073819684607e-17", "2.1954297116029223e-272"],
  ...["3.11105477654189e-184", "-1.885010935430012e-28", "4.3465269302432836e+27"],
  ...["1.457601411260715e-18", "-2.4382271475697135e-30", "-5.202775062307686e-20"],
  ...["-746487303740.1058", "3.481808810669606e+21", "34531.348630723645"],
  ...["-4.6417324223047034e+17", "5301959446.834442", "462.10223714835934"],
  ...["2.611924662203696e+20", "-1.0464987815210725", "6.444304199076323e-08"],
  ...["-7470737.723598449", "3.4933635775124256e+17", "56791130273.95738", "-3833.638182859413"],
  ...["-1.9494285902766387e+17", "3.5935055638436548e-09", "7.975421075602275e+21"],
];

describe("pythonFloatRepr()", () => {
  it("writes every float exactly as CPython's repr does", () => {
    const mismatches = PYTHON_FLOAT_REPRS.filter((text) => pythonFloatRepr(Number(text)) !== text);
    expect(mismatches).toEqual([]);
  });

  it("refuses NaN and infinities, which json.dumps would write as invalid JSON", () => {
    expect(() => pythonFloatRepr(Number.NaN)).toThrow(RangeError);
    expect(() => pyFloat(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => pythonJsonDumps(Number.NEGATIVE_INFINITY, { sortKeys: true })).toThrow(RangeError);
  });
});

describe("pythonJsonDumps()", () => {
  it("matches json.dumps(sort_keys=True) on nested objects, including an unescaped '/'", () => {
    const value = {
      b: 1,
      a: [1, 2.5, "x"],
      c: { z: null, y: true, x: false },
      "\u00e9": "\u00fc",
      "/": "a/b",
    };
    expect(pythonJsonDumps(value, { sortKeys: true })).toBe(
      String.raw`{"/": "a/b", "a": [1, 2.5, "x"], "b": 1, "c": {"x": false, "y": true, "z": null}, "\u00e9": "\u00fc"}`,
    );
  });

  it("escapes control characters, DEL, non-ASCII and astral characters as Python does", () => {
    const text = 'tab\there\nnl\r\u0000\u001f\u007f\u0080\u2028\u{1F600} "q" \\ back\b\f';
    expect(pythonJsonDumps(text, { sortKeys: true })).toBe(
      String.raw`"tab\there\nnl\r\u0000\u001f\u007f\u0080\u2028\ud83d\ude00 \"q\" \\ back\b\f"`,
    );
  });

  it("sorts keys by code point, so an astral key sorts after U+FFFF (unlike UTF-16 order)", () => {
    const value = {
      "\uffff": 1,
      "\u{1F600}": 2,
      a: 3,
      A: 4,
      "": 5,
      aa: 6,
      "\u00e9": 7,
      "10": 8,
      "9": 9,
    };
    expect(pythonJsonDumps(value, { sortKeys: true })).toBe(
      String.raw`{"": 5, "10": 8, "9": 9, "A": 4, "a": 3, "aa": 6, "\u00e9": 7, "\uffff": 1, "\ud83d\ude00": 2}`,
    );
    expect(compareCodePoints("\u{1F600}", "\uffff")).toBeGreaterThan(0);
  });

  it("writes empty containers, bigints as ints, and floats only where marked or non-integral", () => {
    expect(pythonJsonDumps({ e: {}, l: [], n: [[], {}] }, { sortKeys: true })).toBe(
      '{"e": {}, "l": [], "n": [[], {}]}',
    );
    expect(pythonJsonDumps([2n ** 64n + 1n, -5, 0], { sortKeys: true })).toBe(
      "[18446744073709551617, -5, 0]",
    );
    const floats = [pyFloat(1), pyFloat(0), pyFloat(-0), 1e-5, pyFloat(1e16), 0.1, 1];
    expect(pythonJsonDumps(floats, { sortKeys: true })).toBe(
      "[1.0, 0.0, -0.0, 1e-05, 1e+16, 0.1, 1]",
    );
  });

  it("keeps insertion order without sortKeys and skips keys whose value is undefined", () => {
    expect(pythonJsonDumps({ b: 1, a: 2, c: undefined }, { sortKeys: false })).toBe(
      '{"b": 1, "a": 2}',
    );
  });

  it("refuses integers beyond 2^53 passed as numbers, and values JSON has no form for", () => {
    expect(() => pythonJsonDumps(2 ** 60, { sortKeys: true })).toThrow(RangeError);
    const notJson = [new Date(0)] as unknown as PyJsonValue;
    expect(() => pythonJsonDumps(notJson, { sortKeys: true })).toThrow(TypeError);
  });
});

describe("parsePythonJson()", () => {
  it("types numbers as json.loads does, so 1.0 survives a round trip while 1 stays an int", () => {
    const text = '{"i": 1, "f": 1.0, "e": 1e5, "n": -0, "big": 123456789012345678901234567890}';
    const value = parsePythonJson(text) as Record<string, PyJsonValue>;
    expect(value.f).toBeInstanceOf(PyFloat);
    expect(value.big).toBe(123456789012345678901234567890n);
    expect(pythonJsonDumps(value, { sortKeys: true })).toBe(
      '{"big": 123456789012345678901234567890, "e": 100000.0, "f": 1.0, "i": 1, "n": 0}',
    );
  });

  it("treats a __proto__ key as data and keeps the last of repeated keys, as Python does", () => {
    const value = parsePythonJson('{"__proto__": {"x": 1}, "k": 1, "k": 2}');
    expect(pythonJsonDumps(value, { sortKeys: true })).toBe('{"__proto__": {"x": 1}, "k": 2}');
  });

  it("rejects what json.loads rejects, and also NaN and overflowing floats that it accepts", () => {
    for (const bad of ["{} x", "NaN", "{'a': 1}", '"a\u0001"', "[1,]", "01", "1e999"]) {
      expect(() => parsePythonJson(bad), bad).toThrow(SyntaxError);
    }
  });
});
