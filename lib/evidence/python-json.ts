/**
 * A number that Python held as a `float`. JSON in JavaScript has one number type, so `1`
 * and `1.0` are the same value here, while Python's `json.dumps` writes `1` and `1.0`.
 * Wrap a value in `pyFloat()` wherever Python had a float (the gateway's `float(temperature)`,
 * a `1.0` in a parsed request), so the bytes match.
 */
export class PyFloat {
  /** @throws RangeError for NaN and ±Infinity, which `json.dumps` would write as invalid JSON. */
  constructor(readonly value: number) {
    if (!Number.isFinite(value)) throw new RangeError(`Python float must be finite: ${value}`);
  }
}

/** Marks `value` as a Python float; see {@link PyFloat}. */
export function pyFloat(value: number): PyFloat {
  return new PyFloat(value);
}

/** A value `pythonJsonDumps` can write: JSON plus bigints (Python ints) and {@link PyFloat}. */
export type PyJsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyFloat
  | readonly PyJsonValue[]
  | { readonly [key: string]: PyJsonValue | undefined };

/** Options of {@link pythonJsonDumps}; the separators and `ensure_ascii=True` are fixed. */
export interface PythonJsonOptions {
  /** Python's `sort_keys`: order object keys by code point, at every depth. */
  sortKeys: boolean;
}

/**
 * Serialises `value` exactly as Python's `json.dumps(value, sort_keys=…)` does with its
 * defaults: `", "` and `": "` separators, `ensure_ascii=True`, floats as `repr(float)`.
 * Plain JS integers are written as Python ints and other plain numbers as floats; bigints
 * are ints. Object keys whose value is `undefined` are skipped (Python dicts have no such
 * key).
 *
 * @throws TypeError for values Python's JSON encoder would not produce (undefined in an
 *   array, functions, class instances other than PyFloat) and RangeError for non-finite
 *   numbers or integers beyond 2^53 (pass those as bigint so no digit is guessed).
 */
export function pythonJsonDumps(value: PyJsonValue, options: PythonJsonOptions): string {
  return write(value, options.sortKeys);
}

function write(value: PyJsonValue, sortKeys: boolean): string {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "string") return quote(value);
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return writeNumber(value);
  if (value instanceof PyFloat) return pythonFloatRepr(value.value);
  if (isPyArray(value)) return `[${value.map((item) => write(item, sortKeys)).join(", ")}]`;
  if (typeof value === "object" && isPlainObject(value)) return writeObject(value, sortKeys);
  throw new TypeError(`Python's json.dumps has no encoding for ${typeof value}`);
}

function writeObject(
  value: { readonly [key: string]: PyJsonValue | undefined },
  sortKeys: boolean,
): string {
  // Note: without sortKeys the order is JS property order, which puts integer-like keys
  // ("1", "2") first; Python keeps insertion order. Only sorted output is byte-exact.
  const keys = Object.keys(value).filter((key) => value[key] !== undefined);
  if (sortKeys) keys.sort(compareCodePoints);
  const members = keys.map((key) => `${quote(key)}: ${write(value[key] as PyJsonValue, sortKeys)}`);
  return `{${members.join(", ")}}`;
}

function writeNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`Not valid JSON: ${value}`);
  if (!Number.isInteger(value)) return pythonFloatRepr(value);
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`Integer ${value} is beyond 2^53; pass it as a bigint`);
  }
  return String(value);
}

/**
 * Python's `repr(float)`: the shortest digits that round-trip (the same digits JS picks),
 * laid out positionally when the decimal point falls within 16 digits, else as `d.ddde±XX`.
 * Integral values keep a trailing `.0`.
 */
export function pythonFloatRepr(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`Python float must be finite: ${value}`);
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const sign = value < 0 ? "-" : "";
  const [mantissa = "", exponentText = "0"] = Math.abs(value).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exponent = Number(exponentText);
  // Note: CPython's float_repr_style 'short' switches to exponent form when the decimal
  // point position (digits are 0.d1d2… × 10^decpt) is <= -4 or > 16: 1e-05 and 1e+16,
  // but 0.0001 and 1000000000000000.0.
  const decpt = exponent + 1;
  if (decpt <= -4 || decpt > 16) {
    const head = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    const magnitude = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${head}e${exponent < 0 ? "-" : "+"}${magnitude}`;
  }
  if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${"0".repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

// Note: ensure_ascii escapes every UTF-16 code unit outside printable ASCII (0x20–0x7e),
// DEL included, as lowercase \uXXXX; astral characters therefore come out as their
// surrogate pair, exactly as Python writes them. "/" is not escaped.
function quote(text: string): string {
  const escaped = text.replace(/[\\"]|[^\x20-\x7e]/g, (char) => {
    return SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  return `"${escaped}"`;
}

/** Python's default `str` ordering: by code point, so "\u{1F600}" sorts after "\uFFFF". */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(j) as number;
    if (ca !== cb) return ca - cb;
    i += ca > 0xffff ? 2 : 1;
    j += cb > 0xffff ? 2 : 1;
  }
  return (i < a.length ? 1 : 0) - (j < b.length ? 1 : 0);
}

// Note: Array.isArray does not narrow a readonly array type; this guard does.
function isPyArray(value: PyJsonValue): value is readonly PyJsonValue[] {
  return Array.isArray(value);
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Python's truthiness for JSON values: null, false, 0, "", [] and {} are false. */
export function isPythonTruthy(value: PyJsonValue | undefined): boolean {
  if (value === undefined || value === null || value === false || value === "") return false;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "bigint") return value !== 0n;
  if (value instanceof PyFloat) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}
