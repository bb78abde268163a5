import { describe, expect, it } from "vitest";
import { csvLine } from "@/lib/db/blast-radius-rows";
import { blastChartRows } from "@/lib/web/blast-series";
import { fromUtcInput, toUtcInput } from "@/lib/web/datetime";

const H = 3_600_000;

describe("blastChartRows()", () => {
  it("keeps hours with nothing as gaps, not zeros", () => {
    const { rows, step } = blastChartRows([
      [10 * H, 3, 0, 1],
      [12 * H, 0, 2, 0],
    ]);
    expect(step).toBe("hour");
    expect(rows).toEqual([
      { at: 10 * H, affected: 3, stale: null, actions: 1, unknownActions: null },
      { at: 11 * H, affected: null, stale: null, actions: null, unknownActions: null },
      { at: 12 * H, affected: null, stale: 2, actions: null, unknownActions: null },
    ]);
  });

  it("keeps unknown agents' actions in a series of their own, never added to the known ones", () => {
    const { rows } = blastChartRows([
      [10 * H, 3, 0, 1, 200],
      [11 * H, 1, 0, 2],
    ]);
    expect(rows).toEqual([
      { at: 10 * H, affected: 3, stale: null, actions: 1, unknownActions: 200 },
      { at: 11 * H, affected: 1, stale: null, actions: 2, unknownActions: null },
    ]);
  });

  it("switches to days when hours would be too many, summing each day", () => {
    const { rows, step } = blastChartRows(
      [
        [0, 1, 0, 0],
        [5 * H, 2, 0, 3],
        [30 * 24 * H, 0, 1, 0],
      ],
      100,
    );
    expect(step).toBe("day");
    expect(rows[0]).toEqual({ at: 0, affected: 3, stale: null, actions: 3, unknownActions: null });
    expect(rows).toHaveLength(31);
  });

  it("says nothing for an empty series", () => {
    expect(blastChartRows([]).rows).toEqual([]);
  });
});

describe("csvLine()", () => {
  it("quotes what needs quoting and defuses spreadsheet formulas", () => {
    expect(csvLine(["a", null, 3, 'say "hi", then', "=HYPERLINK(1)", "-5", "@x"])).toBe(
      `a,,3,"say ""hi"", then",'=HYPERLINK(1),-5,'@x\r\n`,
    );
  });
});

describe("UTC datetime inputs", () => {
  it("round-trips an instant through a datetime-local value read as UTC", () => {
    expect(toUtcInput("2026-11-23T10:53:24.000Z")).toBe("2026-11-23T10:53:24");
    expect(fromUtcInput("2026-11-23T10:53:24")).toBe("2026-11-23T10:53:24.000Z");
    expect(fromUtcInput("2026-11-23T10:53")).toBe("2026-11-23T10:53:00.000Z");
    expect(fromUtcInput("")).toBeNull();
  });
});
