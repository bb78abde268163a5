"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorText } from "@/components/auth/account-menu";
import { InlineError } from "@/components/ui/inline-error";
import type { AgentChange } from "@/lib/api/schemas/agents";
import { callApi } from "@/lib/web/api-client";

/** An admin's controls for one registered agent: edit its label, retire or reinstate it. */
export function AgentControls(props: { address: string; label: string; retired: boolean }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const change = async (body: AgentChange) => {
    setBusy(true);
    setError(null);
    try {
      await callApi(`/api/v1/agents/${props.address}`, { method: "PATCH", body });
      router.refresh();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="flex flex-wrap items-center gap-2">
      <form
        className="flex items-center gap-1"
        onSubmit={(e) => {
          e.preventDefault();
          const label = String(new FormData(e.currentTarget).get("label") ?? "");
          void change({ action: "relabel", label });
        }}
      >
        <input
          name="label"
          aria-label={`Label of ${props.address}`}
          defaultValue={props.label}
          maxLength={80}
          required
          className="w-48 rounded border border-slate-300 px-1 py-0.5 text-sm"
        />
        <button
          type="submit"
          disabled={busy}
          className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50"
        >
          Save label
        </button>
      </form>
      <button
        type="button"
        disabled={busy}
        onClick={() => void change({ action: props.retired ? "reinstate" : "retire" })}
        className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50"
      >
        {props.retired ? "Reinstate" : "Retire"}
      </button>
      <InlineError message={error} />
    </div>
  );
}
