import type { ReactNode } from "react";
import { parseMarkdown, type Block, type Inline } from "@/lib/web/markdown";
import { shortHash } from "@/lib/web/format";

/** The list of disputes mentioning an address. */
export const mentionsHref = (address: string) => `/disputes?mentions=${address.toLowerCase()}`;

/**
 * Renders a dispute text (the markdown subset of lib/web/markdown.ts) as React elements.
 * Nothing is ever inserted as HTML: `<script>` or `<img onerror>` typed in a comment is
 * shown as the characters typed, links go only to http(s) URLs, and @0x… mentions link
 * to the disputes that mention the address. Works in server and client components.
 */
export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <div className={`space-y-2 text-sm [overflow-wrap:anywhere] ${className ?? ""}`}>
      {renderBlocks(parseMarkdown(text))}
    </div>
  );
}

function renderBlocks(blocks: Block[]): ReactNode[] {
  return blocks.map((b, k) => {
    switch (b.t) {
      case "p":
        return <p key={k}>{renderInline(b.c)}</p>;
      case "code":
        return (
          <pre key={k} className="overflow-x-auto rounded bg-slate-100 p-2 text-xs">
            <code data-lang={b.lang || undefined}>{b.v}</code>
          </pre>
        );
      case "quote":
        return (
          <blockquote key={k} className="space-y-2 border-l-4 border-slate-300 pl-3 text-slate-700">
            {renderBlocks(b.c)}
          </blockquote>
        );
      case "list": {
        const items = b.items.map((item, j) => <li key={j}>{renderInline(item)}</li>);
        return b.ordered ? (
          <ol key={k} start={b.start === 1 ? undefined : b.start} className="list-decimal pl-6">
            {items}
          </ol>
        ) : (
          <ul key={k} className="list-disc pl-6">
            {items}
          </ul>
        );
      }
    }
  });
}

function renderInline(nodes: Inline[]): ReactNode[] {
  return nodes.map((n, k) => {
    switch (n.t) {
      case "text":
        return n.v;
      case "br":
        return <br key={k} />;
      case "code":
        return (
          <code key={k} className="rounded bg-slate-100 px-1 text-xs">
            {n.v}
          </code>
        );
      case "strong":
        return <strong key={k}>{renderInline(n.c)}</strong>;
      case "em":
        return <em key={k}>{renderInline(n.c)}</em>;
      case "link":
        return (
          <a
            key={k}
            href={n.href}
            rel="noopener noreferrer nofollow ugc"
            target="_blank"
            className="text-indigo-700 underline"
          >
            {renderInline(n.c)}
          </a>
        );
      case "mention":
        return (
          <a
            key={k}
            href={mentionsHref(n.address)}
            title={n.address}
            data-mention={n.address}
            className="rounded bg-indigo-50 px-1 font-mono text-xs text-indigo-800 underline"
          >
            @{shortHash(n.address, 6, 4)}
          </a>
        );
    }
  });
}
