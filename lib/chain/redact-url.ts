/**
 * How an RPC (or any) URL may be shown, returned or logged: scheme, host and port only.
 * Credentials (`user:pass@`), path tokens (`/v3/<key>`) and query keys (`?apikey=`) are
 * provider secrets and never leave the process.
 */
export function displayRpcUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "<invalid url>";
  }
}

// Note: a URL ends at whitespace, a quote, an angle bracket or a closing bracket; a trailing
// full stop or comma belongs to the sentence, not to the URL.
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)\]}]+/gi;
// A path segment that looks like a key: long, of letters and digits (Infura, Alchemy, ...).
const TOKEN_SEGMENT = /\/[A-Za-z0-9_-]{16,}/;

/** What a key found alone in a text is replaced with. */
export const REDACTED = "***";

/**
 * A free text (an error message, a log line) with every URL that may carry a secret
 * replaced by its host form: those with credentials, a query, a key-like path segment, or
 * a path under one of `known` (the configured RPC URLs). Other URLs are kept as they are.
 * The keys of `known` URLs are also replaced wherever they appear alone: a provider's error
 * page may repeat the path it was asked for ("The requested URL /v3/<key> was not found").
 */
export function redactSecrets(text: string, known: readonly string[] = []): string {
  let out = text;
  // Configured URLs first, whole, so a path token too short to look like a key still goes.
  for (const url of known) {
    if (url && hasSecretPart(url)) out = out.split(url).join(displayRpcUrl(url));
  }
  out = out.replace(URL_IN_TEXT, (match) => {
    const trail = /[.,;:]+$/.exec(match)?.[0] ?? "";
    const url = trail ? match.slice(0, -trail.length) : match;
    return mayHoldSecret(url) ? displayRpcUrl(url) + trail : match;
  });
  for (const url of known) {
    for (const key of keysOf(url)) out = out.split(key).join(REDACTED);
  }
  return out;
}

const KEY_LIKE = /^(?=.*\d)(?=.*[A-Za-z])\S{8,}$/;
const keyCache = new Map<string, string[]>();

/**
 * The parts of a URL that may be a key on their own, as written and decoded: the password,
 * and a user name, path segment or query value that looks like a key (16 characters, or 8
 * with letters and digits). Shorter parts ("v3", "rpc", "mainnet") are words, not keys,
 * and replacing them everywhere would garble every line.
 */
function keysOf(url: string): string[] {
  const cached = keyCache.get(url);
  if (cached) return cached;
  const keys = new Set<string>();
  try {
    const u = new URL(url);
    const add = (raw: string, always = false) => {
      for (const value of [raw, safeDecode(raw)]) {
        if (always ? value.length >= 4 : TOKEN_SEGMENT.test(`/${value}`) || KEY_LIKE.test(value))
          keys.add(value);
      }
    };
    add(u.password, true);
    add(u.username);
    for (const segment of u.pathname.split("/")) add(segment);
    for (const part of u.search.slice(1).split("&")) add(part.slice(part.indexOf("=") + 1));
  } catch {
    // Not a URL: nothing to take apart.
  }
  // Longest first, so a key that contains another is replaced whole.
  const sorted = [...keys].sort((a, b) => b.length - a.length);
  keyCache.set(url, sorted);
  return sorted;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function hasSecretPart(url: string): boolean {
  try {
    const u = new URL(url);
    return !!(u.username || u.password || u.search || (u.pathname !== "/" && u.pathname !== ""));
  } catch {
    return false;
  }
}

function mayHoldSecret(url: string): boolean {
  try {
    const u = new URL(url);
    return !!(u.username || u.password || u.search || TOKEN_SEGMENT.test(u.pathname));
  } catch {
    return false;
  }
}

const registered = new Set<string>();

/** Remembers configured RPC URLs so the logger redacts them wherever they appear. */
export function registerSecretUrls(urls: Iterable<string>): void {
  for (const url of urls) if (hasSecretPart(url)) registered.add(url);
}

/** The configured URLs registered so far (for redactSecrets). */
export function registeredSecretUrls(): readonly string[] {
  return [...registered];
}
