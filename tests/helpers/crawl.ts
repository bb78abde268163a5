import path from "node:path";
import { createRouteTemplates } from "@/lib/route-template";

/**
 * A small crawler over a running dashboard, for the no-secrets test: pages breadth-first
 * over same-origin links, the JS and CSS they load, and single addresses (API routes).
 * Every answer is read only up to a cap and a deadline, so a stream (/api/v1/events, an
 * export) cannot hold it up: what a stream says first is what it says to everyone.
 */

/** One answer as text: status line, headers (a Location or a cookie can leak too) and body. */
export interface Answer {
  url: string;
  status: number;
  contentType: string;
  text: string;
  /** The links found in it (HTML only), same-origin, without fragments. */
  links: string[];
}

const MAX_BYTES = 4 * 1024 * 1024;

/** GETs `url` without following redirects; reads the body up to 4 MB or the deadline. */
export async function fetchAnswer(
  url: string,
  headers: Record<string, string> = {},
  deadlineMs = 15_000,
): Promise<Answer> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deadlineMs);
  try {
    const res = await fetch(url, { headers, redirect: "manual", signal: controller.signal });
    const contentType = res.headers.get("content-type") ?? "";
    const stream = contentType.startsWith("text/event-stream");
    const chunks: Buffer[] = [];
    let size = 0;
    const reader = res.body?.getReader();
    try {
      while (reader) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(Buffer.from(value));
        size += value.length;
        if (stream || size >= MAX_BYTES) break;
      }
    } catch (error) {
      // The deadline cut a long answer short: what arrived is still checked.
      if (!controller.signal.aborted) throw error;
    }
    controller.abort();
    const head = [...res.headers].map(([name, value]) => `${name}: ${value}`).join("\n");
    const body = Buffer.concat(chunks).toString("utf8");
    const html = contentType.startsWith("text/html");
    return {
      url,
      status: res.status,
      contentType,
      text: `${res.status}\n${head}\n\n${body}`,
      links: [
        ...(html ? linksIn(body, url) : []),
        ...sameOrigin(res.headers.get("location") ?? "", url),
      ],
    };
  } finally {
    clearTimeout(timer);
  }
}

const ATTRIBUTE = /\s(?:href|src|action)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;
// Links a client component renders are in the page's inline flight data (escaped JSON),
// and so are the chunks a page may load later.
const FLIGHT_HREF = /\\?"href\\?"\s*:\s*\\?"(\/[^"\\]*)/g;
const CHUNK = /\/?_next\/static\/[\w./~-]+\.(?:js|css)/g;

/** The same-origin addresses an HTML page points at: attributes, and Next's chunk names. */
export function linksIn(html: string, pageUrl: string): string[] {
  const found: string[] = [];
  for (const m of html.matchAll(ATTRIBUTE)) found.push(...sameOrigin(m[1] ?? m[2]!, pageUrl));
  for (const m of html.matchAll(FLIGHT_HREF)) found.push(...sameOrigin(m[1]!, pageUrl));
  for (const m of html.matchAll(CHUNK))
    found.push(...sameOrigin(`/${m[0].replace(/^\//, "")}`, pageUrl));
  return found;
}

function sameOrigin(href: string, base: string): string[] {
  if (!href) return [];
  try {
    const url = new URL(href.replace(/&amp;/g, "&"), base);
    if (url.origin !== new URL(base).origin) return [];
    url.hash = "";
    return [url.href];
  } catch {
    return [];
  }
}

export interface CrawlOptions {
  seeds: string[];
  headers?: Record<string, string>;
  /** Addresses per route template (`/inferences/[id]`): the others render the same code. */
  perTemplate?: number;
  maxPages?: number;
  /** Static files (JS, CSS) to fetch at most, once each. */
  maxAssets?: number;
  /** Addresses already fetched by an earlier crawl, not fetched again. */
  skip?: ReadonlySet<string>;
}

/**
 * Breadth-first from the seeds over every same-origin link, a few addresses per route
 * template; the static files the pages reference are fetched once each, after the pages.
 */
export async function crawl(opts: CrawlOptions): Promise<{ pages: Answer[]; assets: Answer[] }> {
  const templateOf = createRouteTemplates(path.join(process.cwd(), "app"));
  const perTemplate = opts.perTemplate ?? 3;
  const maxPages = opts.maxPages ?? 150;
  const seen = new Set<string>(opts.skip);
  const perTemplateSeen = new Map<string, number>();
  const assetUrls = new Set<string>();
  const queue: string[] = [];
  const enqueue = (url: string, seed = false) => {
    const { pathname } = new URL(url);
    if (pathname.startsWith("/_next/")) {
      if (pathname.startsWith("/_next/static/")) assetUrls.add(url);
      return;
    }
    if (seen.has(url)) return;
    const template = templateOf(pathname);
    const count = perTemplateSeen.get(template) ?? 0;
    if (!seed && count >= perTemplate) return;
    seen.add(url);
    perTemplateSeen.set(template, count + 1);
    queue.push(url);
  };
  for (const seed of opts.seeds) enqueue(seed, true);
  const pages: Answer[] = [];
  while (queue.length && pages.length < maxPages) {
    const batch = queue.splice(0, Math.min(4, maxPages - pages.length));
    const answers = await Promise.all(batch.map((url) => fetchAnswer(url, opts.headers)));
    for (const answer of answers) {
      pages.push(answer);
      for (const link of answer.links) enqueue(link);
    }
  }
  const assets: Answer[] = [];
  const assetList = [...assetUrls]
    .filter((url) => !opts.skip?.has(url))
    .slice(0, opts.maxAssets ?? 200);
  for (let i = 0; i < assetList.length; i += 8) {
    assets.push(...(await Promise.all(assetList.slice(i, i + 8).map((url) => fetchAnswer(url)))));
  }
  return { pages, assets };
}
