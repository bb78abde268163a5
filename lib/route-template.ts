import fs from "node:fs";
import path from "node:path";

/**
 * Maps a request path to the app route it lands on (`/api/v1/inferences/[id]`), so that
 * metrics are labelled by a bounded set of templates, never by raw paths. The templates are
 * read from the app directory itself (every page.tsx and route.ts), so a new route needs no
 * list to be kept in step. Unknown paths are `other`; Next's own assets are `/_next`.
 */
export function createRouteTemplates(appDir: string): (pathname: string) => string {
  const templates = findTemplates(appDir, "");
  const matchers = templates
    .map((template) => ({ template, segments: template.split("/").filter(Boolean) }))
    // Static segments first, catch-alls last: `/api/v1/models` before `/api/v1/[...path]`.
    .sort((a, b) => rank(a.segments) - rank(b.segments));
  return (pathname) => {
    if (pathname.startsWith("/_next/")) return "/_next";
    const parts = pathname.split("/").filter(Boolean);
    return matchers.find((m) => matches(m.segments, parts))?.template ?? "other";
  };
}

function findTemplates(dir: string, prefix: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && /^(page\.tsx|route\.ts)$/.test(entry.name)) found.push(prefix || "/");
    if (!entry.isDirectory() || entry.name.startsWith("_")) continue;
    // Route groups, `(browse)`, do not appear in the address.
    const segment = /^\(.*\)$/.test(entry.name) ? "" : `/${entry.name}`;
    found.push(...findTemplates(path.join(dir, entry.name), prefix + segment));
  }
  return found;
}

function rank(segments: string[]): number {
  const dynamic = segments.filter((s) => s.startsWith("[")).length;
  const catchAll = segments.some((s) => s.startsWith("[...")) ? 1000 : 0;
  return catchAll + dynamic * 10 - segments.length;
}

function matches(template: string[], parts: string[]): boolean {
  for (let i = 0; i < template.length; i++) {
    const t = template[i]!;
    if (t.startsWith("[...")) return parts.length > i;
    if (i >= parts.length) return false;
    if (!t.startsWith("[") && t !== decodeSafe(parts[i]!)) return false;
  }
  return template.length === parts.length;
}

function decodeSafe(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
