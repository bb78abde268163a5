import { statusLabel, type DisputeStatus } from "@/lib/api/schemas/disputes";

const TONE: Record<DisputeStatus, string> = {
  open: "bg-amber-50 text-amber-900",
  under_review: "bg-sky-50 text-sky-900",
  upheld: "bg-rose-50 text-rose-800",
  rejected: "bg-slate-100 text-slate-700",
};

/** A dispute's status in words (never colour alone). */
export function DisputeStatusBadge({ status }: { status: DisputeStatus }) {
  return (
    <span
      data-testid="dispute-status"
      className={`rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ${TONE[status]}`}
    >
      {statusLabel(status)}
    </span>
  );
}
