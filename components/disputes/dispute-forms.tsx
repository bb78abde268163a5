"use client";

import { useState } from "react";
import { InlineError } from "@/components/ui/inline-error";
import {
  MAX_DISPUTE_TEXT_CHARS,
  statusLabel,
  type DisputeStatus,
} from "@/lib/api/schemas/disputes";
import { callApi } from "@/lib/web/api-client";
import { useApiWrite } from "./use-api-write";

export const FIELD = "mt-1 w-full rounded border border-slate-300 px-2 py-1 text-sm";
export const BUTTON =
  "rounded bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-800 disabled:opacity-50";
export const MARKDOWN_HINT =
  "Markdown: **bold**, *italic*, `code`, ``` blocks, lists, > quotes, links; @0x… mentions an address.";

/** Adds a comment to the thread (auditors and up). */
export function CommentForm({ disputeId }: { disputeId: string }) {
  const { busy, error, run } = useApiWrite();
  const [body, setBody] = useState("");
  return (
    <form
      className="space-y-2"
      onSubmit={async (e) => {
        e.preventDefault();
        const ok = await run(() =>
          callApi(`/api/v1/disputes/${disputeId}/comments`, { body: { body } }),
        );
        if (ok) setBody("");
      }}
    >
      <label className="block text-sm font-medium">
        Comment
        <textarea
          className={FIELD}
          rows={4}
          required
          maxLength={MAX_DISPUTE_TEXT_CHARS}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          aria-describedby="comment-hint"
        />
      </label>
      <p id="comment-hint" className="text-xs text-slate-600">
        {MARKDOWN_HINT}
      </p>
      <div className="flex items-center gap-3">
        <button type="submit" className={BUTTON} disabled={busy || !body.trim()}>
          {busy ? "Posting…" : "Post comment"}
        </button>
        <InlineError message={error} />
      </div>
    </form>
  );
}

/** Moves the dispute along its state machine with a note (operators and up). */
export function StatusForm(props: { disputeId: string; moves: DisputeStatus[] }) {
  const { busy, error, run } = useApiWrite();
  const [status, setStatus] = useState<DisputeStatus | "">(props.moves[0] ?? "");
  const [note, setNote] = useState("");
  return (
    <form
      className="space-y-2"
      onSubmit={async (e) => {
        e.preventDefault();
        const ok = await run(() =>
          callApi(`/api/v1/disputes/${props.disputeId}/status`, { body: { status, note } }),
        );
        if (ok) setNote("");
      }}
    >
      <label className="block text-sm font-medium">
        New status
        <select
          className={FIELD}
          value={status}
          onChange={(e) => setStatus(e.target.value as DisputeStatus)}
        >
          {props.moves.map((m) => (
            <option key={m} value={m}>
              {statusLabel(m)}
            </option>
          ))}
        </select>
      </label>
      <NoteField label="Note on the change (required)" rows={3} value={note} onChange={setNote} />
      <div className="flex items-center gap-3">
        <button type="submit" className={BUTTON} disabled={busy || !status || !note.trim()}>
          {busy ? "Saving…" : "Change status"}
        </button>
        <InlineError message={error} />
      </div>
    </form>
  );
}

/** The required note an operator writes with each decision. */
function NoteField(props: {
  label: string;
  rows: number;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <label className="block text-sm font-medium">
      {props.label}
      <textarea
        className={FIELD}
        rows={props.rows}
        required
        maxLength={MAX_DISPUTE_TEXT_CHARS}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

/** Links the dispute to an incident, or unlinks it, with a note (operators and up). */
export function IncidentLinkForm(props: {
  disputeId: string;
  linked: string | null;
  incidents: { id: string; label: string }[];
}) {
  const { busy, error, run } = useApiWrite();
  const [incidentId, setIncidentId] = useState(props.linked ? "" : (props.incidents[0]?.id ?? ""));
  const [note, setNote] = useState("");
  return (
    <form
      className="space-y-2"
      onSubmit={async (e) => {
        e.preventDefault();
        const ok = await run(() =>
          callApi(`/api/v1/disputes/${props.disputeId}/incident`, {
            method: "PUT",
            body: { incidentId: incidentId || null, note },
          }),
        );
        if (ok) setNote("");
      }}
    >
      <label className="block text-sm font-medium">
        Incident
        <select
          className={FIELD}
          value={incidentId}
          onChange={(e) => setIncidentId(e.target.value)}
        >
          <option value="">{props.linked ? "None (unlink)" : "Choose an incident"}</option>
          {props.incidents.map((i) => (
            <option key={i.id} value={i.id} disabled={i.id === props.linked}>
              {i.label}
              {i.id === props.linked ? " (linked now)" : ""}
            </option>
          ))}
        </select>
      </label>
      <NoteField label="Note on the link (required)" rows={2} value={note} onChange={setNote} />
      <div className="flex items-center gap-3">
        <button
          type="submit"
          className={BUTTON}
          disabled={busy || !note.trim() || (!incidentId && !props.linked)}
        >
          {busy ? "Saving…" : incidentId ? "Link incident" : "Unlink incident"}
        </button>
        <InlineError message={error} />
      </div>
    </form>
  );
}
