import { describe, expect, it } from "vitest";
import type { Timeline } from "@/lib/api/schemas/timeline";
import { formatOpg, formatRelative, shortHash } from "@/lib/web/format";
import {
  bandPosition,
  chartRows,
  inferenceListQuery,
  pickTimelineParams,
  seriesKeys,
  summarize,
  toQueryString,
  zoomRange,
} from "@/lib/web/timeline-series";

const timeline: Timeline = {
  model: { name: "llm:openai/gpt-4.1", kind: "llm" },
  from: "2026-11-23T00:00:00.000Z",
  to: "2026-11-23T04:00:00.000Z",
  bucket: "1h",
  bucketSeconds: 3600,
  asOf: null,
  extent: { from: "2026-11-23T00:10:00.000Z", to: "2026-11-23T03:50:00.000Z" },
  versions: [
    { id: "a", label: "v1.0.0", key: "pcr:0xa" },
    { id: "b", label: "v1.1.0", key: "pcr:0xb" },
  ],
  lanes: [
    {
      versionId: "a",
      label: "v1.0.0",
      from: "2026-11-22T00:00:00.000Z",
      to: null,
      basis: "approval",
    },
    {
      versionId: "b",
      label: "v1.1.0",
      from: "2026-11-23T01:00:00.000Z",
      to: "2026-11-23T02:00:00.000Z",
      basis: "revocation",
    },
  ],
  rollbackWindows: [
    {
      versionId: "b",
      label: "v1.1.0",
      from: "2026-11-23T01:00:00.000Z",
      to: "2026-11-23T02:00:00.000Z",
      source: "revocation",
      incidentId: null,
    },
  ],
  buckets: [
    { start: "2026-11-23T00:00:00.000Z", requests: { a: 3 }, paid: "1500000000000000000" },
    { start: "2026-11-23T01:00:00.000Z", requests: { a: 1, b: 2 }, paid: "0" },
    { start: "2026-11-23T02:00:00.000Z", requests: {}, paid: "0" },
    { start: "2026-11-23T03:00:00.000Z", requests: { none: 1 }, paid: "0" },
  ],
  findings: [],
  totals: { requests: 7, paid: "1500000000000000000" },
};

describe("timeline series preparers", () => {
  it("chartRows() gives one row per bucket, requests by version, and a gap (not zero) where nothing was paid", () => {
    expect(chartRows(timeline)).toEqual([
      { t: Date.parse("2026-11-23T00:00:00Z"), paid: 1.5, a: 3 },
      { t: Date.parse("2026-11-23T01:00:00Z"), paid: null, a: 1, b: 2 },
      { t: Date.parse("2026-11-23T02:00:00Z"), paid: null },
      { t: Date.parse("2026-11-23T03:00:00Z"), paid: null, none: 1 },
    ]);
  });

  it("seriesKeys() lists versions with traffic in version order, unknown last", () => {
    expect(seriesKeys(timeline)).toEqual(["a", "b", "none"]);
  });

  it("bandPosition() clips a band to the range and leaves out one outside it", () => {
    expect(bandPosition(timeline, timeline.lanes[1]!, timeline.to)).toEqual({
      left: 25,
      width: 25,
    });
    expect(bandPosition(timeline, timeline.lanes[0]!, timeline.to)).toEqual({
      left: 0,
      width: 100,
    });
    expect(
      bandPosition(timeline, { from: "2026-11-24T00:00:00Z", to: null }, "2026-11-25T00:00:00Z"),
    ).toBeNull();
  });

  it("summarize() says in words what the chart shows", () => {
    expect(summarize(timeline)).toBe(
      "From 2026-11-23 00:00:00 UTC to 2026-11-23 04:00:00 UTC in 1h buckets: 7 requests (v1.0.0: 4, v1.1.0: 2, unknown version: 1), 1.5 OPG paid. Live now: v1.0.0. Rollback windows: v1.1.0 served from 2026-11-23 01:00:00 UTC until its rollback at 2026-11-23 02:00:00 UTC. 0 open findings in view.",
    );
  });

  it("zoomRange() halves or doubles around the centre and pans by half the span", () => {
    expect(zoomRange(timeline, 0.5)).toEqual({
      from: "2026-11-23T01:00:00.000Z",
      to: "2026-11-23T03:00:00.000Z",
    });
    expect(zoomRange(timeline, 1, 0.5)).toEqual({
      from: "2026-11-23T02:00:00.000Z",
      to: "2026-11-23T06:00:00.000Z",
    });
  });

  it("keeps only known URL parameters, in a fixed order, and cuts the list at asOf", () => {
    const p = pickTimelineParams(new URLSearchParams("payer=0x1&utm=x&from=a&bucket="));
    expect(p).toEqual({ from: "a", payer: "0x1" });
    expect(toQueryString(p)).toBe("from=a&payer=0x1");
    const q = new URLSearchParams(
      inferenceListQuery("m", { payer: "0x1" }, { ...timeline, asOf: "2026-11-23T01:30:00.000Z" }),
    );
    expect(Object.fromEntries(q)).toEqual({
      model: "m",
      from: timeline.from,
      to: "2026-11-23T01:30:00.000Z",
      payer: "0x1",
    });
  });
});

describe("formatting for people", () => {
  it("formatOpg() shows OPG from base units with thousands separators and no float error", () => {
    expect(formatOpg("1234567890123456789012")).toBe("1,234.56789 OPG");
    expect(formatOpg("100000000000000000")).toBe("0.1 OPG");
    expect(formatOpg("1")).toBe("<0.000001 OPG");
    expect(formatOpg("0")).toBe("0 OPG");
  });

  it("formatRelative() and shortHash() give readable hints", () => {
    expect(formatRelative("2026-11-23T10:00:00Z", Date.parse("2026-11-23T13:00:00Z"))).toBe(
      "3 hours ago",
    );
    expect(shortHash(`0x${"ab".repeat(32)}`)).toBe("0xabababab…abab");
  });
});
