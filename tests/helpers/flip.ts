/**
 * Changes the character at `index` of a string to another of its kind (hex stays hex, letters
 * stay letters, digits stay digits), so the JSON file differs in exactly one byte.
 */
export function flipChar(text: string, index: number): string {
  const c = text[index]!;
  const next = /[0-9a-f]/.test(c)
    ? "0123456789abcdef"[(parseInt(c, 16) + 1) % 16]!
    : /[A-Za-z]/.test(c)
      ? c === "z" || c === "Z"
        ? String.fromCharCode(c.charCodeAt(0) - 1)
        : String.fromCharCode(c.charCodeAt(0) + 1)
      : c === "9"
        ? "8"
        : String.fromCharCode(c.charCodeAt(0) + 1);
  return text.slice(0, index) + next + text.slice(index + 1);
}
