"use client";

import { useRouter } from "next/navigation";
import { useMemo, useState, type FormEvent } from "react";
import { useAccount, useChainId, useConnect, useConnectors, useSignTypedData } from "wagmi";
import { errorText, useSession } from "@/components/auth/account-menu";
import { hasRole } from "@/lib/auth/roles";
import { incidentTypedData, type IncidentStatement } from "@/lib/evidence/incident-statement";
import { callApi } from "@/lib/web/api-client";
import { fromUtcInput, toUtcInput } from "@/lib/web/datetime";
import { formatCount, formatUtc } from "@/lib/web/format";
import { incidentHref } from "@/lib/web/links";

export interface IncidentChoice {
  model: string;
  versions: {
    key: string;
    label: string;
    from: string | null;
    to: string | null;
    inferences: number;
  }[];
}

export interface IncidentPrefill {
  action: "confirm" | "correct";
  supersedes: string;
  model: string;
  badVersion: string;
  rolledBackTo: string;
  windowFrom: string;
  windowTo: string | null;
  reason: string;
  evidenceLinks: string[];
}

const FIELD = "mt-1 w-full rounded border border-slate-300 px-2 py-1 text-sm";

/**
 * The operator's form: fill in, review the exact statement the server prepared, sign it in
 * the wallet (EIP-712), and the signed incident is recorded. The wallet's chain is the
 * statement's domain chain.
 */
export function IncidentForm({
  choices,
  prefill,
}: {
  choices: IncidentChoice[];
  prefill: IncidentPrefill | null;
}) {
  const router = useRouter();
  const session = useSession();
  const { address, connector } = useAccount();
  const chainId = useChainId();
  const { signTypedDataAsync } = useSignTypedData();
  const connectors = useConnectors();
  const { connectAsync } = useConnect();
  const [model, setModel] = useState(prefill?.model ?? choices[0]!.model);
  const versions = useMemo(
    () => choices.find((c) => c.model === model)?.versions ?? [],
    [choices, model],
  );
  const [badVersion, setBadVersion] = useState(prefill?.badVersion ?? "");
  const [rolledBackTo, setRolledBackTo] = useState(prefill?.rolledBackTo ?? "");
  const [windowKind, setWindowKind] = useState<"time" | "block">("time");
  const [from, setFrom] = useState(toUtcInput(prefill?.windowFrom ?? null));
  const [to, setTo] = useState(toUtcInput(prefill?.windowTo ?? null));
  const [blockChain, setBlockChain] = useState("10740");
  const [fromBlock, setFromBlock] = useState("");
  const [toBlock, setToBlock] = useState("");
  const [reason, setReason] = useState(prefill?.reason ?? "");
  const [links, setLinks] = useState((prefill?.evidenceLinks ?? []).join("\n"));
  const [statement, setStatement] = useState<IncidentStatement | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const user = session.data?.user;
  const canSign = user ? hasRole(user.role, "operator") : false;

  function chooseVersion(key: string) {
    setBadVersion(key);
    const v = versions.find((x) => x.key === key);
    if (!v || prefill) return;
    setFrom(toUtcInput(v.from));
    setTo(toUtcInput(v.to));
    const before = versions
      .filter((x) => x.key !== key && x.from && v.from && x.from <= v.from)
      .at(-1);
    setRolledBackTo(before?.key ?? "");
  }

  async function review(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setStatement(null);
    const window =
      windowKind === "time"
        ? { kind: "time", from: fromUtcInput(from), to: fromUtcInput(to) ?? undefined }
        : {
            kind: "block",
            chainId: Number(blockChain),
            fromBlock: Number(fromBlock),
            toBlock: toBlock === "" ? undefined : Number(toBlock),
          };
    setBusy(true);
    try {
      const answer = await callApi<{ statement: IncidentStatement }>(
        "/api/v1/incidents/statement",
        {
          body: {
            action: prefill?.action ?? "declare",
            model,
            badVersion,
            rolledBackTo: rolledBackTo || undefined,
            window,
            reason,
            evidenceLinks: links
              .split("\n")
              .map((l) => l.trim())
              .filter(Boolean),
            supersedes: prefill?.supersedes,
            chainId: connector ? chainId : 10740,
          },
        },
      );
      setStatement(answer.statement);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  async function signAndRecord() {
    if (!statement) return;
    setError(null);
    setBusy(true);
    try {
      // After a reload the wallet may not be connected yet: reconnect the one signed in.
      let account = address;
      for (const c of connectors) {
        if (account?.toLowerCase() === user?.address) break;
        account = (await connectAsync({ connector: c }).catch(() => null))?.accounts[0];
      }
      if (!account || account.toLowerCase() !== user?.address) {
        throw new Error(
          `Connect the wallet you signed in with (${user?.address}), then sign again.`,
        );
      }
      const signature = await signTypedDataAsync({ ...incidentTypedData(statement), account });
      const recorded = await callApi<{ id: string }>("/api/v1/incidents", {
        body: { statement, signature },
      });
      router.push(incidentHref(recorded.id));
    } catch (e) {
      setError(errorText(e));
      setBusy(false);
    }
  }

  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <form
        onSubmit={review}
        className="space-y-4 rounded-lg border border-slate-200 bg-white p-4"
        aria-label="Incident"
      >
        {!canSign && !session.isPending ? (
          <p
            role="status"
            data-testid="role-notice"
            className="rounded bg-amber-50 p-2 text-sm text-amber-900"
          >
            {user
              ? `Signing incidents needs the operator role; you are ${user.role}. You can fill in and review the statement.`
              : "Sign in with an operator's wallet (top right) to sign incidents."}
          </p>
        ) : null}
        <label className="block text-sm font-medium">
          Model
          <select
            className={FIELD}
            value={model}
            disabled={!!prefill}
            onChange={(e) => {
              setModel(e.target.value);
              setBadVersion("");
            }}
          >
            {choices.map((c) => (
              <option key={c.model} value={c.model}>
                {c.model}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm font-medium">
          Bad version
          <select
            className={FIELD}
            value={badVersion}
            required
            disabled={prefill?.action === "confirm"}
            onChange={(e) => chooseVersion(e.target.value)}
          >
            <option value="">Choose the version that went bad</option>
            {versions.map((v) => (
              <option key={v.key} value={v.key}>
                {v.label} ({formatCount(v.inferences)} inferences
                {v.from ? `, live from ${formatUtc(v.from)}` : ""}
                {v.to ? ` to ${formatUtc(v.to)}` : ""})
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm font-medium">
          Rolled back to
          <select
            className={FIELD}
            value={rolledBackTo}
            onChange={(e) => setRolledBackTo(e.target.value)}
          >
            <option value="">(not named)</option>
            {versions
              .filter((v) => v.key !== badVersion)
              .map((v) => (
                <option key={v.key} value={v.key}>
                  {v.label}
                </option>
              ))}
          </select>
        </label>
        <fieldset className="text-sm">
          <legend className="font-medium">Window</legend>
          <div className="mt-1 flex gap-4">
            {(["time", "block"] as const).map((k) => (
              <label key={k} className="flex items-center gap-1">
                <input
                  type="radio"
                  name="window-kind"
                  value={k}
                  checked={windowKind === k}
                  onChange={() => setWindowKind(k)}
                />
                {k === "time" ? "as times (UTC)" : "as blocks"}
              </label>
            ))}
          </div>
          {windowKind === "time" ? (
            <div className="mt-2 grid grid-cols-2 gap-2">
              <label>
                From (UTC)
                <input
                  type="datetime-local"
                  step={0.001}
                  className={FIELD}
                  value={from}
                  required
                  onChange={(e) => setFrom(e.target.value)}
                />
              </label>
              <label>
                To (UTC; empty while still live)
                <input
                  type="datetime-local"
                  step={0.001}
                  className={FIELD}
                  value={to}
                  onChange={(e) => setTo(e.target.value)}
                />
              </label>
            </div>
          ) : (
            <div className="mt-2 grid grid-cols-3 gap-2">
              <label>
                Chain id
                <input
                  inputMode="numeric"
                  className={FIELD}
                  value={blockChain}
                  required
                  onChange={(e) => setBlockChain(e.target.value)}
                />
              </label>
              <label>
                From block
                <input
                  inputMode="numeric"
                  className={FIELD}
                  value={fromBlock}
                  required
                  onChange={(e) => setFromBlock(e.target.value)}
                />
              </label>
              <label>
                To block
                <input
                  inputMode="numeric"
                  className={FIELD}
                  value={toBlock}
                  onChange={(e) => setToBlock(e.target.value)}
                />
              </label>
            </div>
          )}
        </fieldset>
        <label className="block text-sm font-medium">
          Reason
          <textarea
            className={FIELD}
            rows={3}
            value={reason}
            required
            maxLength={2000}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
        <label className="block text-sm font-medium">
          Evidence links{" "}
          <span className="font-normal text-slate-600">
            (one per line: https://… or a page here such as /o/0x…)
          </span>
          <textarea
            className={`${FIELD} font-mono text-xs`}
            rows={3}
            value={links}
            onChange={(e) => setLinks(e.target.value)}
          />
        </label>
        <button
          type="submit"
          disabled={busy}
          className="rounded bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-800 disabled:opacity-50"
        >
          Review the statement
        </button>
      </form>
      <section
        aria-labelledby="statement-title"
        className="rounded-lg border border-slate-200 bg-white p-4"
      >
        <h2 id="statement-title" className="text-base font-semibold">
          Statement to sign
        </h2>
        {error ? (
          <p
            role="alert"
            data-testid="form-error"
            className="mt-2 rounded bg-rose-50 p-2 text-sm text-rose-800"
          >
            {error}
          </p>
        ) : null}
        {statement ? (
          <>
            <dl className="mt-2 grid grid-cols-[9rem_1fr] gap-x-3 gap-y-1 text-sm">
              <dt className="text-slate-600">Action</dt>
              <dd>{statement.message.action}</dd>
              <dt className="text-slate-600">Model</dt>
              <dd className="font-mono text-xs">{statement.message.model}</dd>
              <dt className="text-slate-600">Bad version</dt>
              <dd>{statement.message.badVersionLabel}</dd>
              <dt className="text-slate-600">Window</dt>
              <dd>
                {formatUtc(new Date(Number(statement.message.windowFrom)))} →{" "}
                {statement.message.windowTo === "0"
                  ? "still live"
                  : formatUtc(new Date(Number(statement.message.windowTo)))}
              </dd>
              <dt className="text-slate-600">Reason</dt>
              <dd className="[overflow-wrap:anywhere] whitespace-pre-wrap">
                {statement.message.reason}
              </dd>
              <dt className="text-slate-600">Domain</dt>
              <dd>
                {statement.domain.name}, chain {statement.domain.chainId}
              </dd>
            </dl>
            <details className="mt-2 text-xs">
              <summary className="cursor-pointer text-slate-700">The typed data, exactly</summary>
              <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-50 p-2">
                {JSON.stringify(statement, null, 2)}
              </pre>
            </details>
            <button
              type="button"
              onClick={signAndRecord}
              disabled={busy || !canSign}
              className="mt-3 rounded bg-emerald-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-emerald-800 disabled:opacity-50"
            >
              {busy ? "Waiting for the wallet…" : "Sign with wallet and record"}
            </button>
          </>
        ) : (
          <p className="mt-2 text-sm text-slate-600">
            Fill in the form and review: the server checks the names, versions and blocks and
            answers the exact statement your wallet will be asked to sign.
          </p>
        )}
      </section>
    </div>
  );
}
