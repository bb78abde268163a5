"use client";

import { useState } from "react";
import { shortHash } from "@/lib/web/format";

/**
 * A hash or address shortened for reading, with the full value for screen readers and a
 * copy button. Links when `href` is given.
 */
export function Hash({ value, href, label }: { value: string; href?: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const text = (
    <span className="font-mono text-xs" title={value}>
      <span aria-hidden>{shortHash(value)}</span>
      <span className="sr-only">{value}</span>
    </span>
  );
  return (
    <span className="inline-flex items-center gap-1 whitespace-nowrap">
      {href ? (
        <a href={href} className="text-indigo-700 underline-offset-2 hover:underline">
          {text}
        </a>
      ) : (
        text
      )}
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard?.writeText(value).then(() => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          });
        }}
        className="rounded px-1 text-xs text-slate-500 hover:bg-slate-100 hover:text-slate-800"
        aria-label={`Copy ${label ?? "value"} ${value}`}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </span>
  );
}
