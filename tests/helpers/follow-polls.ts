/**
 * A long follow in a child process (run with `node --expose-gc --import tsx`): POLLS sleeps
 * of the indexer's real `sleep()` on one AbortSignal that lives for the whole run, as the
 * follow loop does. Prints one JSON line: the abort listeners seen (most at once, and at the
 * end) and heapUsed after a full GC before and after the polls.
 */
import { getEventListeners, setMaxListeners } from "node:events";
import { sleep } from "@/lib/indexer/sleep";

const polls = Number(process.env.POLLS ?? 20_000);
/** Followers sharing the signal: polls run this many at a time, so the run stays short. */
const lanes = Number(process.env.LANES ?? 50);

function heapAfterGc(): number {
  if (!global.gc) throw new Error("Run this with node --expose-gc");
  for (let i = 0; i < 3; i++) global.gc();
  return process.memoryUsage().heapUsed;
}

const controller = new AbortController();
// The lanes themselves hold this many at once; any more is a listener left behind.
setMaxListeners(lanes + 1, controller.signal);
const listeners = () => getEventListeners(controller.signal, "abort").length;

// A first round warms up the code paths, so the baseline is not charged for them.
await Promise.all(Array.from({ length: lanes }, () => sleep(0, controller.signal)));
const heapBefore = heapAfterGc();
let most = 0;
for (let done = 0; done < polls; done += lanes) {
  await Promise.all(Array.from({ length: lanes }, () => sleep(0, controller.signal)));
  most = Math.max(most, listeners());
}
const heapAfter = heapAfterGc();
console.log(JSON.stringify({ polls, lanes, most, end: listeners(), heapBefore, heapAfter }));
