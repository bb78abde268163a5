import type { ReactNode } from "react";

/** A titled panel. `aria-labelledby` ties the region to its heading for screen readers. */
export function Card(props: { id: string; title: string; children: ReactNode; aside?: ReactNode }) {
  return (
    <section
      aria-labelledby={`${props.id}-title`}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="mb-3 flex items-baseline justify-between gap-2">
        <h2 id={`${props.id}-title`} className="text-base font-semibold">
          {props.title}
        </h2>
        {props.aside}
      </div>
      {props.children}
    </section>
  );
}

/** A coloured dot plus a word: status never relies on colour alone. */
export function StatusBadge({ ok, label }: { ok: boolean; label: string }) {
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${
        ok ? "bg-emerald-50 text-emerald-800" : "bg-rose-50 text-rose-800"
      }`}
    >
      <span
        aria-hidden
        className={`h-2 w-2 rounded-full ${ok ? "bg-emerald-500" : "bg-rose-500"}`}
      />
      {label}
    </span>
  );
}

/** What to do when there is nothing to show yet. */
export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600">
      <p className="font-medium text-slate-800">{title}</p>
      <div className="mt-1">{children}</div>
    </div>
  );
}
