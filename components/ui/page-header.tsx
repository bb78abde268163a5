import type { ReactNode } from "react";

/** The h1 of a page with one line saying what the page is for. */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-6">
      <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
      {children ? <p className="mt-1 max-w-3xl text-sm text-slate-600">{children}</p> : null}
    </div>
  );
}
