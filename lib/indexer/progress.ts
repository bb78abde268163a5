import { log } from "@/lib/log";
import type { ChainProgress } from "./sync/chain-sync";

/** "1,234". */
const n = (value: number | bigint) => value.toLocaleString("en-US");

function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (x: number) => String(x).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

/** One progress line: bar, blocks done / total, events, events/s, ETA. */
export function formatProgress(p: ChainProgress, width = 24): string {
  const total = Number(p.targetBlock - p.startBlock + 1n);
  const done = Number(p.doneBlock - p.startBlock + 1n);
  const ratio = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(ratio * width);
  const seconds = p.elapsedMs / 1000;
  const rate = seconds > 0 ? p.events / seconds : 0;
  const remaining = ratio > 0 ? (seconds / ratio) * (1 - ratio) : Number.NaN;
  return (
    `chain ${p.chainId} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ` +
    `${n(done)}/${n(total)} blocks · ${n(p.events)} events · ${n(Math.round(rate))} events/s · ETA ${eta(remaining)}`
  );
}

/**
 * Progress for people or machines: on a terminal, one live line per chain redrawn in place on
 * stderr; otherwise a structured log line per chain at most every `intervalMs`.
 */
export function createProgressReporter(options: {
  tty: boolean;
  intervalMs?: number;
  stream?: NodeJS.WriteStream;
}) {
  const stream = options.stream ?? process.stderr;
  const lines = new Map<number, string>();
  const lastLog = new Map<number, number>();
  let drawn = 0;
  const draw = () => {
    if (drawn > 0) stream.write(`\x1b[${drawn}A`);
    for (const line of lines.values()) stream.write(`\x1b[2K${line}\n`);
    drawn = lines.size;
  };
  return {
    update(p: ChainProgress) {
      if (options.tty) {
        lines.set(p.chainId, formatProgress(p));
        draw();
        return;
      }
      const now = Date.now();
      // Following the head, most commits are a block or two with nothing in them: stay quiet.
      if (p.events === 0) return;
      if (
        p.doneBlock < p.targetBlock &&
        now - (lastLog.get(p.chainId) ?? 0) < (options.intervalMs ?? 2000)
      )
        return;
      lastLog.set(p.chainId, now);
      log.info(
        {
          chain_id: p.chainId,
          done_block: p.doneBlock.toString(),
          target_block: p.targetBlock.toString(),
          events: p.events,
          events_per_s: Math.round(p.events / Math.max(p.elapsedMs / 1000, 0.001)),
        },
        "Sync progress",
      );
    },
  };
}
