import { ImageResponse } from "next/og";
import type { LinkSummary } from "@/lib/web/summaries";

/** The size link previews expect (Open Graph and Twitter's large card). */
export const OG_SIZE = { width: 1200, height: 630 };

const TONES: Record<LinkSummary["tone"], { bar: string; text: string }> = {
  ok: { bar: "#059669", text: "#065f46" },
  warn: { bar: "#d97706", text: "#92400e" },
  bad: { bar: "#e11d48", text: "#9f1239" },
};

/** A preview card: the product's name, what the link is, its state, and one line of summary. */
export function previewImage(s: LinkSummary): ImageResponse {
  const tone = TONES[s.tone];
  return new ImageResponse(
    <div
      style={{
        width: "100%",
        height: "100%",
        display: "flex",
        flexDirection: "column",
        background: "#ffffff",
        fontFamily: "sans-serif",
      }}
    >
      <div style={{ height: 24, background: tone.bar, display: "flex" }} />
      <div style={{ display: "flex", flexDirection: "column", padding: "56px 72px", flex: 1 }}>
        <div style={{ display: "flex", fontSize: 34, color: "#4338ca", fontWeight: 700 }}>
          Provenance
        </div>
        <div style={{ display: "flex", marginTop: 40, fontSize: 32, color: tone.text }}>
          {s.kicker}
        </div>
        <div
          style={{
            display: "flex",
            marginTop: 12,
            fontSize: 60,
            fontWeight: 700,
            color: "#0f172a",
          }}
        >
          {s.title.length > 48 ? `${s.title.slice(0, 47)}…` : s.title}
        </div>
        <div style={{ display: "flex", flexWrap: "wrap", marginTop: 32, gap: 12 }}>
          {s.badges.slice(0, 5).map((b) => (
            <div
              key={b}
              style={{
                display: "flex",
                fontSize: 26,
                padding: "6px 18px",
                borderRadius: 999,
                background: "#f1f5f9",
                color: "#334155",
              }}
            >
              {b}
            </div>
          ))}
        </div>
        <div style={{ display: "flex", marginTop: "auto", fontSize: 24, color: "#475569" }}>
          Every claim can be re-checked offline: npx provenance-verify
        </div>
      </div>
    </div>,
    OG_SIZE,
  );
}
