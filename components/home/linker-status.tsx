import Link from "next/link";
import type { LinkerStatus } from "@/lib/api/schemas/status";
import { formatCount, formatUtc } from "@/lib/web/format";

/**
 * The linker's health under the sources: the last successful pass, the last error in red
 * while passes fail, and the receipts it set aside (a link to their findings).
 */
export function LinkerStatusLine({ linker }: { linker: LinkerStatus }) {
  const failing = linker.consecutiveFailures > 0;
  return (
    <div
      role="group"
      aria-label="Linker"
      className="mt-3 space-y-1 border-t border-slate-100 pt-2 text-sm"
    >
      <p>
        <span className="font-medium">Linker</span>{" "}
        <span className="text-slate-600">
          {linker.lastSuccessAt
            ? `· last successful pass ${formatUtc(linker.lastSuccessAt)}`
            : "· no successful pass yet"}
          {linker.lastDurationMs !== null && !failing && ` (${linker.lastDurationMs} ms)`}
        </span>
      </p>
      {failing && linker.lastError ? (
        <p role="alert" className="text-xs text-rose-800">
          Failing, {linker.consecutiveFailures}{" "}
          {linker.consecutiveFailures === 1 ? "pass" : "passes in a row"}: {linker.lastError}
          {linker.lastErrorAt && ` (${formatUtc(linker.lastErrorAt)})`}
        </p>
      ) : null}
      {linker.setAside > 0 ? (
        <p className="text-xs text-rose-800">
          {formatCount(linker.setAside)} {linker.setAside === 1 ? "receipt" : "receipts"} set aside
          as unprocessable:{" "}
          <Link href="/findings?kind=unprocessable_evidence" className="underline">
            see the findings
          </Link>
        </p>
      ) : null}
    </div>
  );
}
