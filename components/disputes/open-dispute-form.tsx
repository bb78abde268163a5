"use client";

import { disputeHref } from "@/lib/web/links";
import { useState } from "react";
import { InlineError } from "@/components/ui/inline-error";
import { MAX_DISPUTE_TEXT_CHARS, type DisputeDetail } from "@/lib/api/schemas/disputes";
import { callApi } from "@/lib/web/api-client";
import { BUTTON, FIELD, MARKDOWN_HINT } from "./dispute-forms";
import { useApiWrite } from "./use-api-write";

/** Opens a dispute on this output with a reason (auditors and up), then shows it. */
export function OpenDisputeForm({ outputHash }: { outputHash: string }) {
  const { busy, error, run, router } = useApiWrite();
  const [reason, setReason] = useState("");
  return (
    <form
      className="space-y-2"
      onSubmit={async (e) => {
        e.preventDefault();
        await run(
          () =>
            callApi<{ dispute: DisputeDetail }>("/api/v1/disputes", {
              body: { outputHash, reason },
            }),
          ({ dispute }) => router.push(disputeHref(dispute.id)),
        );
      }}
    >
      <label className="block text-sm font-medium">
        Reason
        <textarea
          className={FIELD}
          rows={4}
          required
          maxLength={MAX_DISPUTE_TEXT_CHARS}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          aria-describedby="reason-hint"
        />
      </label>
      <p id="reason-hint" className="text-xs text-slate-600">
        What is wrong with this output, and how you know. {MARKDOWN_HINT}
      </p>
      <div className="flex items-center gap-3">
        <button type="submit" className={BUTTON} disabled={busy || !reason.trim()}>
          {busy ? "Opening…" : "Open a dispute"}
        </button>
        <InlineError message={error} />
      </div>
    </form>
  );
}
