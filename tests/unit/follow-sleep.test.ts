import { execFile } from "node:child_process";
import { getEventListeners } from "node:events";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { sleep } from "@/lib/indexer/sleep";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
/** Polls of the simulated follow; FOLLOW_POLLS=200000 simulates a few days at the default poll. */
const POLLS = Number(process.env.FOLLOW_POLLS ?? 20_000);
/**
 * Heap growth allowed across the whole follow, after a full GC. A listener left per poll costs
 * about 500 bytes (20,000 polls left 10.7 MB before the fix); a fixed sleep leaves nothing.
 */
const HEAP_BOUND = 2 * 1024 * 1024;

const abortListeners = (signal: AbortSignal) => getEventListeners(signal, "abort").length;

describe("the indexer's poll sleep()", () => {
  it("removes its abort listener when the timer fires", async () => {
    const controller = new AbortController();
    const waiting = sleep(1, controller.signal);
    expect(abortListeners(controller.signal)).toBe(1);
    await waiting;
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it("wakes at once when the signal aborts, and leaves no listener", async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    await waiting;
    expect(abortListeners(controller.signal)).toBe(0);
    await sleep(60_000, controller.signal); // already aborted: returns without waiting
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it(`keeps listeners and heap flat over a long follow (${POLLS} polls on one signal)`, async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--expose-gc", "--import", "tsx", "tests/helpers/follow-polls.ts"],
      { cwd: root, env: { ...process.env, POLLS: String(POLLS) } },
    );
    const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
      polls: number;
      most: number;
      end: number;
      heapBefore: number;
      heapAfter: number;
    };
    expect(result.polls).toBe(POLLS);
    expect(result.most).toBe(0);
    expect(result.end).toBe(0);
    expect(stderr).not.toMatch(/MaxListenersExceededWarning/);
    expect(result.heapAfter - result.heapBefore).toBeLessThan(HEAP_BOUND);
  });
});
