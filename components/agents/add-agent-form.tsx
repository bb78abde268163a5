"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorText } from "@/components/auth/account-menu";
import { InlineError } from "@/components/ui/inline-error";
import { callApi } from "@/lib/web/api-client";

/** An admin adds a known agent: its address and a label (saved and audited on submit). */
export function AddAgentForm() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      aria-label="Add a known agent"
      className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3"
      onSubmit={async (e) => {
        e.preventDefault();
        const form = e.currentTarget;
        const data = new FormData(form);
        setBusy(true);
        setError(null);
        try {
          await callApi("/api/v1/agents", {
            body: { address: String(data.get("address")).trim(), label: data.get("label") },
          });
          form.reset();
          router.refresh();
        } catch (err) {
          setError(errorText(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <label className="flex flex-col text-sm">
        Address
        <input
          name="address"
          required
          placeholder="0x…"
          pattern="0x[0-9a-fA-F]{40}"
          className="w-96 max-w-full rounded border border-slate-300 px-2 py-1 font-mono text-xs"
        />
      </label>
      <label className="flex flex-col text-sm">
        Label
        <input
          name="label"
          required
          maxLength={80}
          placeholder="e.g. Treasury rebalancer"
          className="w-64 rounded border border-slate-300 px-2 py-1"
        />
      </label>
      <button
        type="submit"
        disabled={busy}
        className="rounded bg-indigo-700 px-3 py-1 text-sm font-medium text-white hover:bg-indigo-800 disabled:opacity-50"
      >
        Add agent
      </button>
      <InlineError message={error} />
    </form>
  );
}
