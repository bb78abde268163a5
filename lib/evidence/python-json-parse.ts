import { PyFloat, type PyJsonValue } from "./python-json";

const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const WHITESPACE = /[ \t\n\r]*/y;

/**
 * Parses JSON text the way Python's `json.loads` types it: a number with a fraction or an
 * exponent becomes a {@link PyFloat}, any other number an int (a JS number when it is
 * safe, else a bigint). Feeding the result to `pythonJsonDumps` then writes `1.0` where the
 * text said `1.0`, which `JSON.parse` cannot remember. Objects have a null prototype, so a
 * `"__proto__"` key is data; a repeated key keeps its last value, as in Python.
 *
 * @throws SyntaxError on what `json.loads` rejects (an int of more than 4,300 digits, as
 *   Python's default `int_max_str_digits`), and also on `NaN`, `Infinity`, floats that
 *   overflow to infinity and nesting deeper than {@link MAX_PYTHON_JSON_DEPTH}: Python
 *   accepts those (or overflows its stack), but such a request is not JSON we keep.
 */
export function parsePythonJson(text: string): PyJsonValue {
  const parser = { text, at: 0, depth: 0 };
  const value = readValue(parser);
  skipWhitespace(parser);
  if (parser.at !== text.length) fail(parser, "Extra data");
  return value;
}

/** Deeper than this is refused: far beyond any chat request, well within the stack. */
export const MAX_PYTHON_JSON_DEPTH = 512;
/** Python refuses to convert an int of more digits than this (sys.int_info.default_max_str_digits). */
const MAX_INT_DIGITS = 4300;

interface Parser {
  readonly text: string;
  at: number;
  depth: number;
}

function readValue(p: Parser): PyJsonValue {
  skipWhitespace(p);
  const char = p.text[p.at];
  if (char === "{" || char === "[") {
    if (++p.depth > MAX_PYTHON_JSON_DEPTH) fail(p, `Nesting deeper than ${MAX_PYTHON_JSON_DEPTH}`);
    const value = char === "{" ? readObject(p) : readArray(p);
    p.depth -= 1;
    return value;
  }
  if (char === '"') return readString(p);
  for (const [word, value] of [
    ["true", true],
    ["false", false],
    ["null", null],
  ] as const) {
    if (p.text.startsWith(word, p.at)) {
      p.at += word.length;
      return value;
    }
  }
  return readNumber(p);
}

function readObject(p: Parser): PyJsonValue {
  const object: Record<string, PyJsonValue> = Object.create(null) as Record<string, PyJsonValue>;
  p.at += 1;
  skipWhitespace(p);
  if (p.text[p.at] === "}") {
    p.at += 1;
    return object;
  }
  for (;;) {
    skipWhitespace(p);
    if (p.text[p.at] !== '"') fail(p, "Expecting property name enclosed in double quotes");
    const key = readString(p);
    skipWhitespace(p);
    if (p.text[p.at] !== ":") fail(p, "Expecting ':' delimiter");
    p.at += 1;
    object[key] = readValue(p);
    if (endOfList(p, "}")) return object;
  }
}

function readArray(p: Parser): PyJsonValue {
  const array: PyJsonValue[] = [];
  p.at += 1;
  skipWhitespace(p);
  if (p.text[p.at] === "]") {
    p.at += 1;
    return array;
  }
  for (;;) {
    array.push(readValue(p));
    if (endOfList(p, "]")) return array;
  }
}

function endOfList(p: Parser, close: "]" | "}"): boolean {
  skipWhitespace(p);
  const char = p.text[p.at];
  p.at += 1;
  if (char === close) return true;
  if (char !== ",") fail(p, `Expecting ',' delimiter or '${close}'`);
  return false;
}

function readString(p: Parser): string {
  STRING.lastIndex = p.at;
  const match = STRING.exec(p.text);
  if (!match) fail(p, "Invalid string");
  p.at = STRING.lastIndex;
  // Note: JSON.parse decodes escapes exactly as Python does, lone surrogates included.
  return JSON.parse(match[0]) as string;
}

function readNumber(p: Parser): PyJsonValue {
  NUMBER.lastIndex = p.at;
  const match = NUMBER.exec(p.text);
  if (!match) fail(p, "Expecting value");
  p.at = NUMBER.lastIndex;
  const token = match[0];
  if (match[1] !== undefined || match[2] !== undefined) {
    const value = Number(token);
    if (!Number.isFinite(value)) fail(p, `Float out of range: ${token}`);
    return new PyFloat(value);
  }
  const value = Number(token);
  if (Number.isSafeInteger(value)) return value;
  if (token.replace("-", "").length > MAX_INT_DIGITS) {
    fail(p, `Exceeds the limit (${MAX_INT_DIGITS} digits) for integer string conversion`);
  }
  return BigInt(token);
}

function skipWhitespace(p: Parser): void {
  WHITESPACE.lastIndex = p.at;
  WHITESPACE.exec(p.text);
  p.at = WHITESPACE.lastIndex;
}

function fail(p: Parser, message: string): never {
  throw new SyntaxError(`${message} at position ${p.at}`);
}
