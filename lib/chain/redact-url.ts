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

/**
 * A free text (an error message, a log line) with every URL that may carry a secret
 * replaced by its host form: those with credentials, a query, a key-like path segment, or
 * a path under one of `known` (the configured RPC URLs). Other URLs are kept as they are.
 */
export function redactSecrets(text: string, known: readonly string[] = []): string {
  let out = text;
  // Configured URLs first, whole, so a path token too short to look like a key still goes.
  for (const url of known) {
    if (url && hasSecretPart(url)) out = out.split(url).join(displayRpcUrl(url));
  }
  return out.replace(URL_IN_TEXT, (match) => {
    const trail = /[.,;:]+$/.exec(match)?.[0] ?? "";
    const url = trail ? match.slice(0, -trail.length) : match;
    return mayHoldSecret(url) ? displayRpcUrl(url) + trail : match;
  });
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
