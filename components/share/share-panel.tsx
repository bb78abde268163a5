"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { errorText, useSession } from "@/components/auth/account-menu";
import { InlineError } from "@/components/ui/inline-error";
import { queryKeys } from "@/lib/api/query-keys";
import {
  SHARE_EXPIRY_CHOICES,
  type CreatedShareLink,
  type ShareLink,
} from "@/lib/api/schemas/share-links";
import { hasRole } from "@/lib/auth/roles";
import type { ShareScopeType } from "@/lib/auth/share-scope";
import { callApi } from "@/lib/web/api-client";
import { formatUtc, shortHash } from "@/lib/web/format";

const STATE_STYLE: Record<ShareLink["state"], string> = {
  active: "bg-emerald-50 text-emerald-800",
  expired: "bg-slate-100 text-slate-700",
  revoked: "bg-rose-50 text-rose-800",
};

/**
 * "Share a read-only link" for auditors and up: pick an expiry, get a URL shown once (the
 * server keeps only its hash), see every link to this thing with its state, revoke one.
 * Renders nothing for anyone else.
 */
export function SharePanel({ scopeType, scopeId }: { scopeType: ShareScopeType; scopeId: string }) {
  const session = useSession();
  const user = session.data?.user;
  if (!user || !hasRole(user.role, "auditor")) return null;
  return <SharePanelBody scopeType={scopeType} scopeId={scopeId} />;
}

function SharePanelBody({ scopeType, scopeId }: { scopeType: ShareScopeType; scopeId: string }) {
  const queryClient = useQueryClient();
  const ids = useId();
  const [hours, setHours] = useState<number>(SHARE_EXPIRY_CHOICES[1].hours);
  const [created, setCreated] = useState<CreatedShareLink | null>(null);
  const [copied, setCopied] = useState(false);
  const key = queryKeys.shareLinks(scopeType, scopeId);
  const links = useQuery({
    queryKey: key,
    queryFn: () =>
      callApi<{ links: ShareLink[] }>(
        `/api/v1/share-links?${new URLSearchParams({ scopeType, scopeId })}`,
      ),
  });
  const create = useMutation({
    mutationFn: () =>
      callApi<CreatedShareLink>("/api/v1/share-links", {
        body: { scopeType, scopeId, expiresInHours: hours },
      }),
    onSuccess: (link) => {
      setCreated(link);
      setCopied(false);
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => callApi(`/api/v1/share-links/${id}/revoke`, { body: {} }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });

  return (
    <section
      aria-labelledby={`${ids}-title`}
      className="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm"
      data-testid="share-panel"
    >
      <h2 id={`${ids}-title`} className="text-base font-semibold">
        Share a read-only link
      </h2>
      <p className="mt-1 text-xs text-slate-600">
        Anyone holding the link can read this {scopeType} (and nothing else) until it expires or is
        revoked, even where the deployment is private.
      </p>
      <form
        className="mt-2 flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label htmlFor={`${ids}-expiry`} className="text-xs text-slate-700">
          Expires after
        </label>
        <select
          id={`${ids}-expiry`}
          value={hours}
          onChange={(e) => setHours(Number(e.target.value))}
          className="rounded border border-slate-300 px-1 py-0.5"
        >
          {SHARE_EXPIRY_CHOICES.map((c) => (
            <option key={c.hours} value={c.hours}>
              {c.label}
            </option>
          ))}
        </select>
        <button
          type="submit"
          disabled={create.isPending}
          className="rounded bg-indigo-700 px-3 py-1 text-xs font-medium text-white hover:bg-indigo-800 disabled:opacity-50"
        >
          {create.isPending ? "Creating…" : "Create link"}
        </button>
        <InlineError message={create.error ? errorText(create.error) : null} />
      </form>
      {created ? (
        <div className="mt-3 rounded border border-amber-200 bg-amber-50 p-2" role="status">
          <label htmlFor={`${ids}-url`} className="block text-xs font-medium text-amber-900">
            Your link, shown only now (expires {formatUtc(created.expiresAt)}):
          </label>
          <div className="mt-1 flex gap-2">
            <input
              id={`${ids}-url`}
              readOnly
              value={created.url}
              onFocus={(e) => e.target.select()}
              className="min-w-0 flex-1 rounded border border-slate-300 bg-white px-1 py-0.5 font-mono text-xs"
              data-testid="share-url"
            />
            <button
              type="button"
              onClick={async () => {
                await navigator.clipboard.writeText(created.url).then(
                  () => setCopied(true),
                  () => setCopied(false),
                );
              }}
              className="rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50"
            >
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
        </div>
      ) : null}
      <LinkList
        links={links.data?.links}
        error={links.error ? errorText(links.error) : null}
        revoking={revoke.isPending ? revoke.variables : undefined}
        revokeError={revoke.error ? errorText(revoke.error) : null}
        onRevoke={(id) => revoke.mutate(id)}
      />
    </section>
  );
}

function LinkList(props: {
  links: ShareLink[] | undefined;
  error: string | null;
  revoking: string | undefined;
  revokeError: string | null;
  onRevoke: (id: string) => void;
}) {
  if (props.error) return <InlineError message={props.error} />;
  if (!props.links) return <p className="mt-3 text-xs text-slate-500">Loading links…</p>;
  if (props.links.length === 0) {
    return <p className="mt-3 text-xs text-slate-600">No link has been shared yet.</p>;
  }
  return (
    <div className="mt-3">
      <h3 className="text-xs font-medium text-slate-700">Links shared so far</h3>
      <ul className="mt-1 space-y-1" data-testid="share-links">
        {props.links.map((l) => (
          <li key={l.id} className="flex flex-wrap items-center gap-2 text-xs">
            <span className={`rounded-full px-2 py-0.5 font-medium ${STATE_STYLE[l.state]}`}>
              {l.state}
            </span>
            <span className="text-slate-700">
              by <span className="font-mono">{shortHash(l.createdBy, 6, 4)}</span>, created{" "}
              {formatUtc(l.createdAt)};{" "}
              {l.state === "revoked"
                ? `revoked ${formatUtc(l.revokedAt!)}`
                : `${l.state === "expired" ? "expired" : "expires"} ${formatUtc(l.expiresAt)}`}
            </span>
            {l.state === "active" ? (
              <button
                type="button"
                disabled={props.revoking === l.id}
                onClick={() => props.onRevoke(l.id)}
                aria-label={`Revoke the link created ${formatUtc(l.createdAt)} (${l.id.slice(0, 8)})`}
                className="rounded border border-rose-300 px-2 py-0.5 text-rose-800 hover:bg-rose-50 disabled:opacity-50"
              >
                {props.revoking === l.id ? "Revoking…" : "Revoke"}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      <InlineError message={props.revokeError} />
    </div>
  );
}
