/** An incident's state in words (never colour alone): proposed, signed, superseded. */
export function IncidentStatusBadge({
  status,
  superseded,
}: {
  status: "proposed" | "confirmed";
  superseded: boolean;
}) {
  const [label, tone] = superseded
    ? ["superseded", "bg-slate-100 text-slate-700"]
    : status === "proposed"
      ? ["proposed, unsigned", "bg-amber-50 text-amber-900"]
      : ["signed", "bg-emerald-50 text-emerald-800"];
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${tone}`}>{label}</span>;
}
