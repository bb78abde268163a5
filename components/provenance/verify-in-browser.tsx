"use client";

import { useState } from "react";
import type { EvidenceBundle } from "@/lib/evidence/bundle";
import { verifyBundle, type Claim } from "@/lib/evidence/verify-bundle";

type State =
  | { phase: "idle" }
  | { phase: "running" }
  | { phase: "done"; claims: Claim[]; ms: number }
  | { phase: "error"; message: string };

const RESULT_STYLE: Record<Claim["result"], string> = {
  pass: "bg-emerald-50 text-emerald-800",
  fail: "bg-rose-50 text-rose-800",
  skip: "bg-slate-100 text-slate-700",
};

/** Up to this many claims are listed at once; more are counted per kind, failures listed. */
const OPEN_LIST_UP_TO = 16;

function ClaimList({ claims }: { claims: Claim[] }) {
  return (
    <ul className="mt-1 space-y-1 text-sm">
      {claims.map((c, i) => (
        <li key={i} className="flex gap-2">
          <span
            className={`h-fit shrink-0 rounded px-1.5 py-0.5 font-mono text-xs font-semibold uppercase ${RESULT_STYLE[c.result]}`}
          >
            {c.result}
          </span>
          <span className="min-w-0 break-words">
            <span className="font-mono text-xs text-slate-600">{c.kind}</span> · {c.subject}:{" "}
            {c.detail}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Passed, failed and skipped claims per kind. */
function ClaimCounts({ claims }: { claims: Claim[] }) {
  const kinds = [...new Set(claims.map((c) => c.kind))];
  const count = (kind: string, result: Claim["result"]) =>
    claims.filter((c) => c.kind === kind && c.result === result).length;
  return (
    <table className="text-sm">
      <caption className="sr-only">Claims per kind</caption>
      <thead>
        <tr className="text-left text-slate-600">
          <th scope="col" className="pr-4 font-medium">
            claim
          </th>
          <th scope="col" className="pr-4 font-medium">
            pass
          </th>
          <th scope="col" className="pr-4 font-medium">
            fail
          </th>
          <th scope="col" className="font-medium">
            skip
          </th>
        </tr>
      </thead>
      <tbody>
        {kinds.map((k) => (
          <tr key={k}>
            <th scope="row" className="pr-4 text-left font-mono text-xs font-normal">
              {k}
            </th>
            <td className="pr-4 tabular-nums">{count(k, "pass")}</td>
            <td className="pr-4 tabular-nums">{count(k, "fail")}</td>
            <td className="tabular-nums">{count(k, "skip")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * "Verify in your browser": runs the offline verifier (the same code as `npx
 * provenance-verify`) on the bundle embedded in the page. Nothing is sent to or asked of the
 * server, not even for code (the verifier loads with the page): signatures go through
 * WebCrypto and viem in this tab.
 */
export function VerifyInBrowser({ bundle }: { bundle: EvidenceBundle }) {
  const [state, setState] = useState<State>({ phase: "idle" });

  async function run() {
    setState({ phase: "running" });
    const started = performance.now();
    try {
      const claims = await verifyBundle(bundle);
      setState({ phase: "done", claims, ms: performance.now() - started });
    } catch (error) {
      setState({
        phase: "error",
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  const failed = state.phase === "done" ? state.claims.filter((c) => c.result === "fail") : [];
  const passed = state.phase === "done" ? state.claims.filter((c) => c.result === "pass") : [];
  return (
    <div className="space-y-3">
      <button
        type="button"
        onClick={run}
        disabled={state.phase === "running"}
        className="rounded bg-indigo-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-800 disabled:opacity-60"
      >
        {state.phase === "running" ? "Verifying…" : "Verify in your browser"}
      </button>
      <div aria-live="polite">
        {state.phase === "error" ? (
          <p role="alert" className="text-sm text-rose-800">
            The check could not run: {state.message}
          </p>
        ) : null}
        {state.phase === "done" ? (
          <div className="space-y-2">
            <p
              data-testid="verify-summary"
              className={`text-sm font-medium ${failed.length ? "text-rose-800" : "text-emerald-800"}`}
            >
              {failed.length
                ? `${failed.length} of ${state.claims.length} claims failed`
                : `All ${passed.length} checkable claims pass`}{" "}
              ({state.claims.length - passed.length - failed.length} skipped; checked in this tab in{" "}
              {Math.round(state.ms)} ms, nothing sent to the server).
            </p>
            {state.claims.length > OPEN_LIST_UP_TO ? (
              <>
                <ClaimCounts claims={state.claims} />
                {failed.length ? <ClaimList claims={failed} /> : null}
                <details>
                  <summary className="cursor-pointer text-sm text-slate-700">
                    Each claim ({state.claims.length})
                  </summary>
                  <ClaimList claims={state.claims} />
                </details>
              </>
            ) : (
              <ClaimList claims={state.claims} />
            )}
          </div>
        ) : null}
      </div>
    </div>
  );
}
