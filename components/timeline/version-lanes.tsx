import Link from "next/link";
import type { Timeline } from "@/lib/api/schemas/timeline";
import { formatUtc } from "@/lib/web/format";
import { incidentHref, inferenceHref } from "@/lib/web/links";
import { bandPosition, versionColors } from "@/lib/web/timeline-series";

/** Lanes line up with the chart's plot area: its axes take 44 px on the left, 62 px on the right. */
const TRACK = "ml-[44px] mr-[62px]";

/**
 * One lane per version, its deployment intervals as bands over the chart's time range, with
 * rollback windows shaded across every lane and findings as markers beneath.
 */
export function VersionLanes({ timeline: t }: { timeline: Timeline }) {
  const colors = versionColors(t);
  const end = t.asOf ?? t.to;
  const lanes = t.versions.map((v) => ({
    version: v,
    bands: t.lanes.filter((l) => l.versionId === v.id),
  }));
  const windows = t.rollbackWindows.flatMap((w) => {
    const pos = bandPosition(t, w, end);
    return pos ? [{ ...w, pos }] : [];
  });
  const markers = findingMarkers(t);
  return (
    <div className="mt-2 space-y-1" data-testid="version-lanes">
      {lanes.map(({ version, bands }) => (
        <div key={version.id} className={`${TRACK} text-xs`}>
          <span className="block truncate font-medium" title={version.key}>
            {version.label}
          </span>
          <div className="relative h-5 rounded bg-slate-100">
            {windows.map((w, i) => (
              <div
                key={i}
                aria-hidden
                className="absolute inset-y-0 bg-rose-200/60"
                style={{ left: `${w.pos.left}%`, width: `${w.pos.width}%` }}
              />
            ))}
            {bands.map((b, i) => {
              const pos = bandPosition(t, b, end);
              if (!pos) return null;
              const text = `${version.label} ${b.to ? "live" : "live, still"} from ${formatUtc(b.from)}${b.to ? ` to ${formatUtc(b.to)}` : ""} (${b.basis})`;
              return (
                <div
                  key={i}
                  role="img"
                  aria-label={text}
                  title={text}
                  data-version-band={version.label}
                  data-band-to={b.to ?? ""}
                  className="absolute inset-y-1 rounded-sm"
                  style={{
                    left: `${pos.left}%`,
                    width: `${Math.max(pos.width, 0.3)}%`,
                    background: colors[version.id],
                    opacity: 0.85,
                  }}
                />
              );
            })}
          </div>
        </div>
      ))}
      {windows.map((w, i) => (
        <p key={i} className="text-xs text-rose-800" data-rollback-window={w.label}>
          Rollback window: {w.label} served from {formatUtc(w.from)}{" "}
          {w.to ? `until ${formatUtc(w.to)}` : "(not rolled back yet)"} (
          {w.source === "incident" && w.incidentId ? (
            <Link href={incidentHref(w.incidentId)} className="underline">
              signed operator incident
            </Link>
          ) : (
            "revoked on chain"
          )}
          )
        </p>
      ))}
      {markers.length > 0 ? (
        <div className={`${TRACK} text-xs`}>
          <span className="block font-medium text-rose-800">Findings</span>
          <ol className="relative h-6" aria-label="Findings over time">
            {markers.map((m) => (
              <li key={m.key} className="absolute top-0" style={{ left: `calc(${m.left}% - 6px)` }}>
                <Link
                  href={inferenceHref(m.inferenceId)}
                  title={m.title}
                  aria-label={m.title}
                  className="block h-0 w-0 border-x-[6px] border-b-[10px] border-x-transparent border-b-rose-600 hover:border-b-rose-900"
                />
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </div>
  );
}

/** One marker per bucket that has findings, linking to its first finding's inference. */
function findingMarkers(t: Timeline) {
  const lo = Date.parse(t.from);
  const span = Date.parse(t.to) - lo;
  const size = t.bucketSeconds * 1000;
  const groups = new Map<number, Timeline["findings"]>();
  for (const f of t.findings) {
    if (!f.inferenceId) continue;
    const b = Math.floor(Date.parse(f.at) / size) * size;
    groups.set(b, [...(groups.get(b) ?? []), f]);
  }
  return [...groups.entries()].map(([b, fs]) => ({
    key: b,
    left: ((b + size / 2 - lo) / span) * 100,
    inferenceId: fs[0]!.inferenceId!,
    title: `${fs.length} finding${fs.length === 1 ? "" : "s"} at ${formatUtc(new Date(b))}: ${[...new Set(fs.map((f) => f.kind.replace(/_/g, " ")))].join(", ")}`,
  }));
}
