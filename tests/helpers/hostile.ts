import fc from "fast-check";

/**
 * Generators of what an attacker sends: strings, numbers and JSON texts chosen to break
 * decoders, databases and pages. Shared by the fuzz suite's body and query properties.
 */

const HUGE = "A".repeat(300_000);

/** Strings that have broken, or could break, something downstream. */
export const HOSTILE_STRINGS = [
  "",
  "A",
  "0x",
  "QUJD=",
  "====",
  "\u0000",
  "a\u0000b",
  "\u0001\u001f\u007f\u0085",
  "\n",
  "\r\n\t",
  "\ud800",
  "\udfff\ud800",
  "a\udc00",
  "\ufeff",
  "\u200b",
  "\u202egpt",
  "οpenai/gpt-4.1",
  "openai/gpt‐4.1",
  "ｏｐｅｎａｉ",
  "💥".repeat(50),
  "%E0%A4%A",
  "%ZZ",
  "%",
  "%00",
  "%C0%AF",
  "%ud800",
  "__proto__",
  "constructor",
  "null",
  "NaN",
  "Infinity",
  "-1",
  "1e999",
  "'; DROP TABLE receipt; --",
  "\\",
  '"',
  "../../etc/passwd",
  "0x" + "f".repeat(64),
  "0x" + "0".repeat(40),
  "f".repeat(64),
  "00000000-0000-0000-0000-000000000000",
  "2026-02-30T25:61:61Z",
  "9999-12-31T23:59:59Z",
  "1970-01-01T00:00:00Z",
  "18446744073709551616",
  "99999999999999999999",
  HUGE,
  "x".repeat(4097),
];

/** Number tokens as written in JSON text: overflowing, denormal, huge, negative, odd forms. */
export const HOSTILE_NUMBER_TOKENS = [
  "1e999",
  "-1e999",
  "1E+999",
  "1e-400",
  "5e-324",
  "2.2250738585072014e-308",
  "1.7976931348623157e308",
  "-0",
  "-0.0",
  "0.1",
  "1.0",
  "9007199254740993",
  "-9007199254740993",
  "18446744073709551616",
  "-2147483649",
  "2147483648",
  "1" + "0".repeat(400),
  "1" + "0".repeat(5000),
  "0." + "0".repeat(400) + "1",
  "123456789012345678901234567890.5e10",
];

/** A hostile string: one of the known ones, or generated with any code unit (surrogates too). */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
      maxLength: 20,
    }),
  },
);

/** A hostile number token: one of the known ones, or any double (denormals and -0 included). */
export const hostileNumberToken: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_NUMBER_TOKENS),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => JSON.stringify(n)),
  fc.bigInt().map(String),
);

/** Nesting deeper than any parser here accepts. */
const deep = (n: number) => "[".repeat(n) + "]".repeat(n);

/** A hostile JSON value as text (numbers that JSON.stringify could never write included). */
export const hostileJsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("true", "false", "null"),
    hostileNumberToken,
    hostileString.map((s) => JSON.stringify(s)),
    fc.constantFrom(deep(70), deep(600), `{"a":${deep(100)}}`),
    fc.array(tie("value"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
    fc
      .array(fc.tuple(hostileString, tie("value")), { maxLength: 4 })
      .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`),
  ),
})).value;

/** Text that is not JSON at all, or barely. */
export const brokenJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "{",
    '{"a":',
    "[1,]",
    "NaN",
    "Infinity",
    "{'a':1}",
    "\ufeff{}",
    "\u0000",
  ),
  fc.string({ unit: "binary", maxLength: 60 }),
);

/**
 * A JSON text of `template` with one field (at a path of keys) replaced by hostile text,
 * or a hostile field added, or the whole body replaced: near-valid bodies reach the deep
 * checks that wholly random ones never pass.
 */
export function mutatedBody(template: unknown): fc.Arbitrary<string> {
  const paths = pathsOf(template);
  const choices: fc.WeightedArbitrary<[string[] | null, string]>[] = [
    { weight: 2, arbitrary: fc.tuple(fc.constant(null), hostileJsonText) },
    { weight: 1, arbitrary: fc.tuple(fc.constant([]), brokenJsonText) },
  ];
  if (paths.length) {
    choices.push({ weight: 6, arbitrary: fc.tuple(fc.constantFrom(...paths), hostileJsonText) });
  }
  return fc.oneof(...choices).map(([path, text]) => {
    if (path === null) return serialize(template, ["__hostile__"], text, true);
    if (path.length === 0) return text;
    return serialize(template, path, text, false);
  });
}

/** Every path to a field of `value` (objects and arrays), the root excluded. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, item]) => [
    [...prefix, key],
    ...pathsOf(item, [...prefix, key]),
  ]);
}

/** JSON text of `value` with the field at `path` written as `text` (added when `add`). */
function serialize(value: unknown, path: string[], text: string, add: boolean): string {
  if (path.length === 0) return text;
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const [head, ...rest] = path as [string, ...string[]];
  const entries = Object.entries(value).map(
    ([key, item]) =>
      [key, key === head ? serialize(item, rest, text, add) : JSON.stringify(item)] as const,
  );
  if (add && rest.length === 0) entries.push([head, text]);
  if (Array.isArray(value)) return `[${entries.map(([, t]) => t).join(",")}]`;
  return `{${entries.map(([k, t]) => `${JSON.stringify(k)}:${t}`).join(",")}}`;
}

/** A query-string value as it arrives: percent-encoded, or raw with malformed escapes. */
export const hostileQueryValue: fc.Arbitrary<string> = fc.oneof(
  hostileString.map((s) => encodeURIComponent(s.isWellFormed() ? s : s.toWellFormed())),
  fc.constantFrom("%E0%A4%A", "%ZZ", "%", "%00", "%C0%AF", "%ED%A0%80", "a%2", "%FF%FE", "+%2B+"),
);
