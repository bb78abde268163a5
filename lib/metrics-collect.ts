import "server-only";
import { readMetricsSnapshot } from "@/lib/db/metrics-snapshot";
import { getMetrics } from "@/lib/metrics";

const seconds = (d: Date | null) => (d ? d.getTime() / 1000 : null);

/**
 * Sets the database-derived gauges from one snapshot, read at scrape time: the app process
 * cannot see the indexer's memory, so what /metrics says about indexing is what the indexer
 * wrote down. Gauges are reset first so a removed chain or a resolved kind disappears.
 */
export async function collectFromDatabase(): Promise<void> {
  const m = getMetrics();
  const snap = await readMetricsSnapshot();
  for (const g of [
    m.chainHead,
    m.checkpoint,
    m.lagBlocks,
    m.lagSeconds,
    m.unknownEvents,
    m.indexedRows,
    m.findingsOpen,
    m.linkerDuration,
    m.linkerFailures,
    m.linkerLastSuccess,
    m.linkerLastError,
  ])
    g.reset();
  for (const c of snap.chains) {
    if (c.head_block !== null)
      m.chainHead.set({ chain_id: String(c.chain_id), chain: c.chain }, Number(c.head_block));
  }
  for (const s of snap.sources) {
    const labels = { chain_id: String(s.chain_id), chain: s.chain, source: s.source, kind: s.kind };
    m.unknownEvents.set(labels, Number(s.unknown_events));
    if (s.checkpoint_block === null) continue;
    m.checkpoint.set(labels, Number(s.checkpoint_block));
    if (s.head_block !== null)
      m.lagBlocks.set(labels, Math.max(0, Number(s.head_block) - Number(s.checkpoint_block)));
    if (s.behind_seconds !== null) m.lagSeconds.set(labels, Math.max(0, s.behind_seconds));
  }
  for (const t of snap.tableRows) m.indexedRows.set({ table: t.table }, Number(t.n));
  for (const f of snap.findingsOpen) m.findingsOpen.set({ kind: f.kind }, Number(f.n));
  const l = snap.linker;
  if (l) {
    if (l.last_duration_ms !== null) m.linkerDuration.set(l.last_duration_ms / 1000);
    m.linkerFailures.set(l.consecutive_failures ?? 0);
    const ok = seconds(l.last_success_at);
    const failed = seconds(l.last_error_at);
    if (ok !== null) m.linkerLastSuccess.set(ok);
    if (failed !== null) m.linkerLastError.set(failed);
  }
}
