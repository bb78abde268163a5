/**
 * A small markdown subset for dispute threads, parsed into a tree that the renderer turns
 * into React elements (never HTML strings, so markup typed by a person stays text).
 *
 * Blocks: paragraphs (a newline is a line break), fenced code (``` or ~~~), bullet and
 * numbered lists (one level), block quotes. Inline: **bold**, *italic*, `code`,
 * [text](http(s) URL), bare http(s) URLs, @0x… address mentions, backslash escapes.
 * Anything else, including a link to another scheme, stays literal text.
 */

export type Inline =
  | { t: "text"; v: string }
  | { t: "code"; v: string }
  | { t: "strong"; c: Inline[] }
  | { t: "em"; c: Inline[] }
  | { t: "link"; href: string; c: Inline[] }
  | { t: "mention"; address: string }
  | { t: "br" };

export type Block =
  | { t: "p"; c: Inline[] }
  | { t: "code"; lang: string; v: string }
  | { t: "list"; ordered: boolean; start: number; items: Inline[][] }
  | { t: "quote"; c: Block[] };

/** "@0x" and 40 hex digits, not followed by another letter or digit. */
export const MENTION_RE = /@(0x[0-9a-fA-F]{40})(?![0-9A-Za-z])/y;

/** The addresses a text mentions, lowercased, each once, in order. */
export function mentionsIn(text: string): string[] {
  const found = text.matchAll(/@(0x[0-9a-fA-F]{40})(?![0-9A-Za-z])/g);
  return [...new Set([...found].map((m) => m[1]!.toLowerCase()))];
}

/** The URL as an absolute http(s) href, or null for any other scheme or a malformed one. */
export function safeHref(raw: string): string | null {
  if (!/^https?:\/\//i.test(raw)) return null;
  try {
    const url = new URL(raw);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

const FENCE_RE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)\s*$/;
const QUOTE_RE = /^ {0,3}> ?/;
const BULLET_RE = /^ {0,3}[-*+]\s+(.*)$/;
const ORDERED_RE = /^ {0,3}(\d{1,9})[.)]\s+(.*)$/;
const MAX_QUOTE_DEPTH = 8;

const startsBlock = (line: string) =>
  FENCE_RE.test(line) || QUOTE_RE.test(line) || BULLET_RE.test(line) || ORDERED_RE.test(line);

/** Parses markdown text into blocks. */
export function parseMarkdown(text: string, depth = 0): Block[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = FENCE_RE.exec(line);
    if (!line.trim()) {
      i++;
    } else if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i++;
      while (i < lines.length && !isClosingFence(lines[i]!, marker)) body.push(lines[i++]!);
      i++; // the closing fence, or past the end
      blocks.push({ t: "code", lang: fence[2] ?? "", v: body.join("\n") });
    } else if (QUOTE_RE.test(line) && depth < MAX_QUOTE_DEPTH) {
      const body: string[] = [];
      while (i < lines.length && QUOTE_RE.test(lines[i]!))
        body.push(lines[i++]!.replace(QUOTE_RE, ""));
      blocks.push({ t: "quote", c: parseMarkdown(body.join("\n"), depth + 1) });
    } else if (BULLET_RE.test(line) || ORDERED_RE.test(line)) {
      const ordered = !BULLET_RE.test(line);
      const re = ordered ? ORDERED_RE : BULLET_RE;
      const items: string[] = [];
      const start = ordered ? Number(ORDERED_RE.exec(line)![1]) : 1;
      while (i < lines.length && lines[i]!.trim()) {
        const item = re.exec(lines[i]!);
        if (item) items.push(ordered ? item[2]! : item[1]!);
        else if (startsBlock(lines[i]!)) break;
        else items[items.length - 1] += `\n${lines[i]!.trim()}`;
        i++;
      }
      blocks.push({ t: "list", ordered, start, items: items.map((s) => parseInline(s)) });
    } else {
      const body: string[] = [line];
      i++;
      while (i < lines.length && lines[i]!.trim() && !startsBlock(lines[i]!))
        body.push(lines[i++]!);
      blocks.push({ t: "p", c: parseInline(body.map((l) => l.trim()).join("\n")) });
    }
  }
  return blocks;
}

function isClosingFence(line: string, marker: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= marker.length && /^(`+|~+)$/.test(trimmed) && trimmed[0] === marker[0];
}

const ESCAPABLE = new Set("\\`*_[]()#+-.!>~@");

/** Parses one paragraph's inline markup. Links cannot nest inside link text. */
export function parseInline(s: string, inLink = false): Inline[] {
  const out: Inline[] = [];
  let text = "";
  const flush = () => {
    if (text) out.push({ t: "text", v: text });
    text = "";
  };
  const push = (node: Inline) => {
    flush();
    out.push(node);
  };
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === "\\" && i + 1 < s.length && ESCAPABLE.has(s[i + 1]!)) {
      text += s[i + 1];
      i += 2;
      continue;
    }
    if (ch === "\n") {
      push({ t: "br" });
      i++;
      continue;
    }
    const node = matchAt(s, i, inLink);
    if (node) {
      push(node.node);
      i = node.end;
      continue;
    }
    // An unmatched "**" is text as a pair, so its second star opens nothing either.
    const literal = s.startsWith("**", i) ? "**" : ch;
    text += literal;
    i += literal.length;
  }
  flush();
  return out;
}

function matchAt(s: string, i: number, inLink: boolean): { node: Inline; end: number } | null {
  const ch = s[i]!;
  if (ch === "`") {
    const close = s.indexOf("`", i + 1);
    if (close > i + 1) return { node: { t: "code", v: s.slice(i + 1, close) }, end: close + 1 };
    return null;
  }
  if (ch === "*" && s[i + 1] === "*") {
    const close = s.indexOf("**", i + 2);
    const inner = close > i + 2 ? s.slice(i + 2, close) : "";
    if (inner.trim() && inner === inner.trim())
      return { node: { t: "strong", c: parseInline(inner, inLink) }, end: close + 2 };
    return null;
  }
  if (ch === "*" && s[i + 1] && !/\s/.test(s[i + 1]!)) {
    let close = s.indexOf("*", i + 1);
    while (close !== -1 && (s[close + 1] === "*" || /[\s\\]/.test(s[close - 1]!)))
      close = s.indexOf("*", close + (s[close + 1] === "*" ? 2 : 1));
    if (close > i + 1)
      return { node: { t: "em", c: parseInline(s.slice(i + 1, close), inLink) }, end: close + 1 };
    return null;
  }
  if (ch === "[" && !inLink) return matchLink(s, i);
  if (ch === "h" && !inLink && (i === 0 || !/[\w/]/.test(s[i - 1]!))) return matchBareUrl(s, i);
  if (ch === "@") {
    MENTION_RE.lastIndex = i;
    const m = MENTION_RE.exec(s);
    if (m) return { node: { t: "mention", address: m[1]!.toLowerCase() }, end: i + m[0].length };
  }
  return null;
}

function matchLink(s: string, i: number): { node: Inline; end: number } | null {
  const m = /^\[([^\]\n]+)\]\(([^()\s]+)\)/.exec(s.slice(i, i + 2100));
  if (!m) return null;
  const href = safeHref(m[2]!);
  if (!href) return null; // stays literal text: "[text](javascript:…)"
  return { node: { t: "link", href, c: parseInline(m[1]!, true) }, end: i + m[0].length };
}

function matchBareUrl(s: string, i: number): { node: Inline; end: number } | null {
  const m = /^https?:\/\/[^\s<>"'`]+/i.exec(s.slice(i, i + 2100));
  if (!m) return null;
  let url = m[0].replace(/[.,;:!?*]+$/, "");
  // A closing parenthesis belongs to the URL only when it opened one.
  while (url.endsWith(")") && count(url, "(") < count(url, ")")) url = url.slice(0, -1);
  const href = safeHref(url);
  if (!href || url.length <= "https://".length) return null;
  return { node: { t: "link", href, c: [{ t: "text", v: url }] }, end: i + url.length };
}

const count = (s: string, ch: string) => s.split(ch).length - 1;

/** The first line of a text, cut to fit a list row. */
export function firstLine(text: string, max = 140): string {
  const line = text.split("\n", 1)[0]!.trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
