export default function Loading() {
  return (
    <div role="status" aria-live="polite" className="animate-pulse space-y-4 py-4">
      <span className="sr-only">Loading…</span>
      <div className="h-7 w-64 rounded bg-slate-200" />
      <div className="grid gap-6 lg:grid-cols-2">
        <div className="h-64 rounded-lg bg-slate-200" />
        <div className="h-64 rounded-lg bg-slate-200" />
      </div>
    </div>
  );
}
