import Link from "next/link";
import type { ReactNode } from "react";
import type { InferenceDetail } from "@/lib/api/schemas/inferences";
import { Card, StatusBadge } from "@/components/ui/card";
import { Hash } from "@/components/ui/hash";
import { Time } from "@/components/ui/time";
import { formatCount, formatOpg } from "@/lib/web/format";
import { modelHref, outputHref, withShare } from "@/lib/web/links";
import { AllocationNote } from "./allocation-note";
import { DownstreamTree } from "./downstream-tree";

const CHAIN_NAMES: Record<number, string> = {
  10740: "OpenGradient EVM",
  8453: "Base",
  84532: "Base Sepolia",
};
const chainName = (id: number) => CHAIN_NAMES[id] ?? `chain ${id}`;

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-1 gap-1 py-1.5 sm:grid-cols-[12rem_1fr]">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="min-w-0 text-sm break-words">{children}</dd>
    </div>
  );
}

const SIGNATURE_TEXT: Record<string, string> = {
  valid: "verified against the enclave key registered on chain",
  invalid: "does not verify",
  no_key: "cannot be checked: no registered key for this enclave",
  unverified: "not checked yet",
};

/**
 * Everything known about one inference, each item linking on: what produced it and whether
 * that version was live, the signature and its check, the settlement and proof, the payment,
 * and the agent actions that depended on it.
 */
export function ProvenanceCard({
  inference: i,
  share,
}: {
  inference: InferenceDetail;
  /** The share token the page was opened with: kept on the link to the output (in its scope). */
  share?: string;
}) {
  const idBase = `inf-${i.id}`;
  return (
    <div className="space-y-4">
      {i.orphaned ? (
        <p
          role="alert"
          className="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm font-medium text-amber-900"
        >
          Orphaned by reorg at block {formatCount(i.orphaned.blockNumber)} on{" "}
          {chainName(i.orphaned.chainId)} (marked <Time iso={i.orphaned.at} />
          ). The event this record rests on is no longer on the canonical chain; it is kept so this
          link keeps working.
        </p>
      ) : null}
      {i.findings.some((f) => !f.resolvedAt) ? (
        <section
          aria-labelledby={`${idBase}-findings`}
          className="rounded-md border border-rose-300 bg-rose-50 p-3"
        >
          <h2 id={`${idBase}-findings`} className="text-sm font-semibold text-rose-900">
            Flagged
          </h2>
          <ul className="mt-1 space-y-1 text-sm text-rose-900">
            {i.findings
              .filter((f) => !f.resolvedAt)
              .map((f) => (
                <li key={f.id} data-finding-kind={f.kind}>
                  <span className="font-medium">{f.kind.replace(/_/g, " ")}</span> ({f.severity}):{" "}
                  {f.message}
                </li>
              ))}
          </ul>
        </section>
      ) : null}
      <Card id={`${idBase}-what`} title="What produced it">
        <dl className="divide-y divide-slate-100">
          <Row label="Model">
            <Link
              href={modelHref(i.model.name)}
              className="font-mono text-xs text-indigo-700 underline"
            >
              {i.model.name}
            </Link>
          </Row>
          <Row label="Version">
            {i.version ? (
              <span className="inline-flex flex-wrap items-center gap-2">
                <span className="font-medium">{i.version.label}</span>
                {i.liveAtTime === null ? (
                  <span className="text-xs text-slate-500">(no deployment record)</span>
                ) : (
                  <StatusBadge
                    ok={i.liveAtTime}
                    label={i.liveAtTime ? "live when it ran" : "not live when it ran"}
                  />
                )}
                <Link
                  href={modelHref(i.model.name, { version: i.version.label })}
                  className="text-xs text-indigo-700 underline"
                >
                  timeline
                </Link>
              </span>
            ) : (
              "unknown (the enclave is not registered yet)"
            )}
          </Row>
          {i.deployment ? (
            <Row label="Deployed">
              from <Time iso={i.deployment.from} />
              {i.deployment.to ? (
                <>
                  {" "}
                  to <Time iso={i.deployment.to} />
                </>
              ) : (
                " (still live)"
              )}{" "}
              <span className="text-xs text-slate-500">basis: {i.deployment.basis}</span>
            </Row>
          ) : null}
          <Row label="Enclave">
            {i.enclave ? (
              <span className="inline-flex flex-wrap items-center gap-2">
                <Hash
                  value={i.enclave.teeId}
                  label="enclave id"
                  href={modelHref(i.model.name, { enclave: i.enclave.teeId })}
                />
                {i.enclave.endpoint ? (
                  <span className="text-xs text-slate-600">{i.enclave.endpoint}</span>
                ) : null}
                {i.enclave.enabled === false ? (
                  <StatusBadge ok={false} label="disabled now" />
                ) : null}
                {i.enclave.chainId === null ? (
                  <span className="text-xs text-slate-500">(not registered)</span>
                ) : null}
              </span>
            ) : (
              "none (an on-chain hub inference)"
            )}
          </Row>
          <Row label="Ran at">
            <Time iso={i.occurredAt} />
          </Row>
          <Row label="Indexed at">
            <Time iso={i.recordedAt} />
          </Row>
        </dl>
      </Card>
      <Card id={`${idBase}-evidence`} title="Signed evidence">
        <dl className="divide-y divide-slate-100">
          <Row label="Input hash">
            <Hash value={i.inputHash} label="input hash" />
          </Row>
          <Row label="Output hash">
            <Hash
              value={i.outputHash}
              label="output hash"
              href={withShare(outputHref(i.outputHash), share)}
            />
          </Row>
          <Row label="Signature">
            <span className="flex flex-col gap-1">
              <span
                className="inline-flex flex-wrap items-center gap-2"
                data-testid="signature-status"
              >
                <StatusBadge
                  ok={i.signatureStatus === "valid"}
                  label={i.signatureStatus.replace("_", " ")}
                />
                <span>{SIGNATURE_TEXT[i.signatureStatus] ?? i.signatureStatus}</span>
              </span>
              {i.verificationReason ? (
                <span className="text-rose-800" data-testid="verification-reason">
                  Reason: {i.verificationReason}
                </span>
              ) : null}
              {i.signature ? <Hash value={i.signature} label="signature" /> : null}
            </span>
          </Row>
          {i.receiptId ? <Row label="Receipt">{i.receiptId}</Row> : null}
        </dl>
      </Card>
      <Card id={`${idBase}-settlement`} title="Settlement">
        {i.settlement ? (
          <dl className="divide-y divide-slate-100">
            <Row label="Chain and block">
              {chainName(i.settlement.chainId)}, block {formatCount(i.settlement.blockNumber)}
              {i.settlement.orphanedAt ? <StatusBadge ok={false} label="orphaned" /> : null}
            </Row>
            <Row label="Transaction">
              <Hash value={i.settlement.txHash} label="transaction" />
            </Row>
            <Row label="Kind">{i.settlement.kind.replace(/_/g, " ")}</Row>
            {i.settlement.batch ? (
              <>
                <Row label="Merkle proof">
                  <StatusBadge
                    ok={i.settlement.batch.proofValid}
                    label={
                      i.settlement.batch.proofValid
                        ? "proof verifies against the on-chain root"
                        : "proof does not verify"
                    }
                  />{" "}
                  leaf {i.settlement.batch.leafIndex}, {i.settlement.batch.proof.length} sibling
                  hashes
                </Row>
                {i.settlement.batch.merkleRoot ? (
                  <Row label="Merkle root">
                    <Hash value={i.settlement.batch.merkleRoot} label="Merkle root" />
                  </Row>
                ) : null}
              </>
            ) : null}
          </dl>
        ) : (
          <p className="text-sm text-slate-600">No settlement of these hashes has been indexed.</p>
        )}
        {i.orphanedSettlements.length > 0 ? (
          <div className="mt-3 rounded border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900">
            {i.orphanedSettlements.map((s) => (
              <p key={`${s.chainId}-${s.blockHash}-${s.logIndex}`}>
                A settlement in block {formatCount(s.blockNumber)} on {chainName(s.chainId)} was
                orphaned by reorg (
                <Hash value={s.txHash} label="orphaned transaction" />
                ).
              </p>
            ))}
          </div>
        ) : null}
      </Card>
      <Card id={`${idBase}-payment`} title="Payment">
        {i.payments.length === 0 ? (
          <p className="text-sm text-slate-600">
            No payment is linked{i.sessionId ? ` to session ${i.sessionId} yet` : ""}.
          </p>
        ) : (
          <ul className="space-y-2 text-sm">
            {i.payments.map((p) => (
              <li key={p.id}>
                <span className="font-medium">{formatOpg(p.allocated)}</span> of a{" "}
                {formatOpg(p.value)} payment from <Hash value={p.from} label="payer" /> to{" "}
                <Hash value={p.to} label="payee" /> on {chainName(p.chainId)}, block{" "}
                {formatCount(p.blockNumber)}, tx{" "}
                <Hash value={p.txHash} label="payment transaction" />
                {p.orphanedAt ? <StatusBadge ok={false} label="orphaned" /> : null}
                <AllocationNote payment={p} />
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card id={`${idBase}-downstream`} title="What depended on it">
        <DownstreamTree nodes={i.downstream.nodes} truncated={i.downstream.truncated} />
      </Card>
    </div>
  );
}
