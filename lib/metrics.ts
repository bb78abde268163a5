import client from "prom-client";

/**
 * The process's one metrics registry. Note: Next bundles each route apart from
 * scripts/serve.ts, so a module-level registry would exist once per bundle and a counter
 * bumped in a route would never reach /metrics; the registry and its metrics live on
 * globalThis under a registered symbol, created by whichever copy of this module runs first.
 */
const KEY = Symbol.for("provenance.metrics");

function create() {
  const registry = new client.Registry();
  const gauge = (name: string, help: string, labelNames: string[]) =>
    new client.Gauge({ name, help, labelNames, registers: [registry] });
  const sourceLabels = ["chain_id", "chain", "source", "kind"];
  return {
    registry,
    chainHead: gauge("provenance_chain_head_block", "Latest block the indexer saw on the chain.", [
      "chain_id",
      "chain",
    ]),
    checkpoint: gauge(
      "provenance_source_checkpoint_block",
      "Last block the source is indexed up to.",
      sourceLabels,
    ),
    lagBlocks: gauge(
      "provenance_source_lag_blocks",
      "Blocks between the chain head and the source's checkpoint.",
      sourceLabels,
    ),
    lagSeconds: gauge(
      "provenance_source_lag_seconds",
      "Seconds since the checkpoint last moved while the source is behind the head (0 when caught up).",
      sourceLabels,
    ),
    unknownEvents: gauge(
      "provenance_source_unknown_events",
      "Logs from the source's address that matched no known event.",
      sourceLabels,
    ),
    indexedRows: gauge(
      "provenance_indexed_rows",
      "Rows in each evidence table (PostgreSQL's live-tuple estimate).",
      ["table"],
    ),
    linkerDuration: gauge(
      "provenance_linker_last_pass_duration_seconds",
      "Duration of the linker's last pass.",
      [],
    ),
    linkerFailures: gauge(
      "provenance_linker_consecutive_failures",
      "Linker passes that failed in a row (0 after a clean pass).",
      [],
    ),
    linkerLastSuccess: gauge(
      "provenance_linker_last_success_timestamp_seconds",
      "Unix time of the linker's last clean pass.",
      [],
    ),
    linkerLastError: gauge(
      "provenance_linker_last_error_timestamp_seconds",
      "Unix time of the linker's last failed pass or step.",
      [],
    ),
    findingsOpen: gauge("provenance_findings_open", "Findings not yet resolved, by kind.", [
      "kind",
    ]),
    httpDuration: new client.Histogram({
      name: "provenance_http_request_duration_seconds",
      help: "HTTP requests by route template, method and status.",
      labelNames: ["route", "method", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    ingest: new client.Counter({
      name: "provenance_ingest_requests_total",
      help: "Evidence submissions by endpoint and outcome; refusals carry the error code as reason.",
      labelNames: ["endpoint", "outcome", "reason"],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof create>;

/** The process's metrics, created on first use. */
export function getMetrics(): Metrics {
  const holder = globalThis as { [KEY]?: Metrics };
  holder[KEY] ??= create();
  return holder[KEY];
}

/** The evidence endpoints whose submissions are counted, by request path. */
const INGEST_ENDPOINTS: Record<string, string> = {
  "/api/v1/receipts": "receipts",
  "/api/v1/agent-actions": "agent_actions",
};

/**
 * Counts a submission to an evidence endpoint: `reason` is null when it was accepted, else
 * the error code it was refused with. Other requests are ignored.
 */
export function countIngest(request: Request, status: number, reason: string | null): void {
  if (request.method !== "POST") return;
  const endpoint = INGEST_ENDPOINTS[new URL(request.url).pathname];
  if (!endpoint) return;
  const accepted = status < 400;
  getMetrics().ingest.inc({
    endpoint,
    outcome: accepted ? "accepted" : "refused",
    reason: accepted ? "" : (reason ?? `http_${status}`),
  });
}
