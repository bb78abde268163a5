import type { InferenceDetail } from "@/lib/api/schemas/inferences";
import { Time } from "@/components/ui/time";
import { formatOpg } from "@/lib/web/format";

const METHOD_TEXT: Record<string, string> = {
  per_request_amount: "by the gateway's per-request amounts",
  per_request_amount_scaled: "by the gateway's per-request amounts, scaled to the payment",
  session_equal_split:
    "in equal shares across the session (fallback: not every request of the session reported its amount)",
};

/** How this inference's share of a session payment was computed, and whether it was revised. */
export function AllocationNote({ payment: p }: { payment: InferenceDetail["payments"][number] }) {
  return (
    <span className="mt-0.5 block text-xs text-slate-600">
      Split {METHOD_TEXT[p.method] ?? p.method.replace(/_/g, " ")} (method{" "}
      <code data-testid="allocation-method">{p.method}</code>)
      {p.requestAmount !== null ? <>; this request: {formatOpg(p.requestAmount)}</> : null}.{" "}
      {p.revisedAt !== null ? (
        <span data-testid="allocation-revision">
          Revised: allocation revision {p.revision}, recorded <Time iso={p.revisedAt} />, after its
          session changed (the earlier allocations are kept).
        </span>
      ) : (
        <span>Allocation revision {p.revision}.</span>
      )}
    </span>
  );
}
