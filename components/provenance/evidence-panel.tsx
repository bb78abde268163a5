import { Card } from "@/components/ui/card";
import type { EvidenceBundle } from "@/lib/evidence/bundle";
import { SCHEMA_PATH } from "@/lib/evidence/bundle";
import { VerifyInBrowser } from "./verify-in-browser";

/**
 * "Check it yourself": the evidence bundle to download, how to verify it offline, and the
 * same checks run in this browser tab.
 */
export function EvidencePanel({
  bundle,
  downloadHref,
}: {
  bundle: EvidenceBundle;
  downloadHref: string;
}) {
  const file = `evidence-${bundle.subject.type}-${bundle.subject.id}.json`;
  return (
    <Card id="evidence" title="Check it yourself">
      <div className="space-y-3 text-sm">
        <p>
          The evidence bundle holds every signed record this page rests on: the enclave&apos;s
          signed response and key with where it was read on chain, the settlement log and Merkle
          proof, payments, agent statements, incident statements and audit entries under a signed
          checkpoint. Anyone can re-check it without trusting this site.
        </p>
        <p className="flex flex-wrap gap-x-4 gap-y-1">
          <a className="font-medium text-indigo-700 underline" href={downloadHref} download={file}>
            Download the evidence bundle (JSON)
          </a>
          <a className="text-indigo-700 underline" href={SCHEMA_PATH}>
            Its JSON Schema
          </a>
        </p>
        <p>
          Offline, with this repository:{" "}
          <code className="rounded bg-slate-100 px-1 py-0.5 break-all">
            npx provenance-verify {file}
          </code>{" "}
          (add <code className="rounded bg-slate-100 px-1 py-0.5">--rpc &lt;url&gt;</code> to
          re-read the on-chain facts).
        </p>
        <VerifyInBrowser bundle={bundle} />
      </div>
    </Card>
  );
}
