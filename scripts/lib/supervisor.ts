import fs from "node:fs/promises";
import { log } from "@/lib/log";
import {
  supervisorStateFile,
  writeSupervisorState,
  type SupervisedPart,
} from "@/lib/system/supervisor-state";

/** One running instance of a supervised part (a child process, the embedded database). */
export interface Instance {
  pid: number | null;
  /** Resolves, with why (`SIGKILL`, `exit 1`), when it exits without `stop()` asking it to. */
  crashed: Promise<string>;
  stop(): Promise<void>;
}

/** A part kept running: stopping it ends its restarts too. */
export interface Keeper {
  stop(): Promise<void>;
}

const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;
/** A run this long counts as healthy: the next crash waits the first delay again. */
const HEALTHY_RUN_MS = 60_000;

/**
 * How long to wait before the next start: 1 s at first and after a run of 60 s or more,
 * otherwise twice the previous wait, at most 30 s.
 */
export function nextDelay(previousMs: number | null, ranMs: number): number {
  if (previousMs === null || ranMs >= HEALTHY_RUN_MS) return FIRST_DELAY_MS;
  return Math.min(previousMs * 2, MAX_DELAY_MS);
}

type PartName = SupervisedPart["name"];

/**
 * `npm start`'s supervisor: starts parts, restarts each one that exits on its own (with
 * backoff, for ever), says so in one line each time, and publishes every transition to
 * DATA_DIR/run/supervisor.json for the dashboard. Invariant: a part is never started again
 * once `halt()` was called or its keeper stopped, so Ctrl-C stops everything.
 */
export function createSupervisor(args: { dataDir: string; say: (line: string) => void }) {
  const parts = new Map<PartName, SupervisedPart>();
  let halted = false;
  let removed = false;
  // Note: writes share one temporary file name per process, so they must not overlap.
  let writes = Promise.resolve();

  const publish = (name: PartName, change: Partial<SupervisedPart>) => {
    parts.set(name, { ...parts.get(name)!, ...change });
    if (removed) return;
    const state = {
      pid: process.pid,
      updatedAt: new Date().toISOString(),
      parts: [...parts.values()],
    };
    writes = writes
      .then(() => writeSupervisorState(args.dataDir, state))
      .catch((error: Error) =>
        log.warn({ error: error.message }, "Could not write the supervisor state"),
      );
  };

  /**
   * Starts `name` with `start` (a failure of this first start is thrown to the caller) and
   * keeps it running. `announce` is the line said when a restart succeeded.
   */
  async function supervise(
    name: PartName,
    start: () => Promise<Instance>,
    announce: (instance: Instance) => string,
  ): Promise<Keeper> {
    let current: Instance | null = null;
    let startedAt = 0;
    let delay: number | null = null;
    let timer: NodeJS.Timeout | undefined;
    let pending: Promise<void> = Promise.resolve();
    let stopped = false;
    const done = () => halted || stopped;

    const running = (instance: Instance) => {
      current = instance;
      startedAt = Date.now();
      publish(name, {
        state: "running",
        pid: instance.pid,
        startedAt: new Date(startedAt).toISOString(),
        nextStartAt: null,
        lastError: null,
      });
      void instance.crashed.then((reason) => {
        if (current === instance) crashed(reason);
      });
    };
    const schedule = (change: Partial<SupervisedPart>, line: string) => {
      const at = new Date(Date.now() + delay!);
      publish(name, { ...change, state: "restarting", pid: null, nextStartAt: at.toISOString() });
      args.say(line);
      timer = setTimeout(() => (pending = restart()), delay!);
    };
    const crashed = (reason: string) => {
      current = null;
      if (done()) return publish(name, { state: "stopped", pid: null });
      delay = nextDelay(delay, Date.now() - startedAt);
      const restarts = parts.get(name)!.restarts + 1;
      const lastExit = { at: new Date().toISOString(), reason };
      schedule(
        { restarts, lastExit },
        `${name}: exited (${reason}); restarting in ${delay / 1000} s (restart ${restarts})`,
      );
    };
    const restart = async () => {
      if (done()) return;
      try {
        const instance = await start();
        // Stopped while it was starting: it must not outlive the stop.
        if (done()) return void (await instance.stop());
        running(instance);
        args.say(announce(instance));
      } catch (error) {
        if (done()) return;
        const message = error instanceof Error ? error.message : String(error);
        log.warn({ part: name, error: message }, "Restart failed");
        delay = Math.min(delay! * 2, MAX_DELAY_MS);
        const restarts = parts.get(name)!.restarts;
        schedule(
          { lastError: message },
          `${name}: restart failed (${firstLine(message)}); retrying in ${delay / 1000} s (restart ${restarts})`,
        );
      }
    };

    const first = await start();
    parts.set(name, {
      name,
      state: "stopped",
      pid: null,
      startedAt: null,
      restarts: 0,
      lastExit: null,
      nextStartAt: null,
      lastError: null,
    });
    running(first);
    return {
      stop: async () => {
        stopped = true;
        clearTimeout(timer);
        await pending;
        const instance = current;
        current = null;
        await instance?.stop();
        publish(name, { state: "stopped", pid: null, nextStartAt: null });
      },
    };
  }

  return {
    supervise,
    /** No more restarts from now on (shutdown began); each keeper still stops its part. */
    halt() {
      halted = true;
    },
    /** Resolves once every transition so far is in the state file. */
    written: () => writes,
    /** Removes the state file once the parts are stopped: nothing is supervised any more. */
    async remove() {
      removed = true;
      await writes;
      await fs.rm(supervisorStateFile(args.dataDir), { force: true });
    },
  };
}

export type Supervisor = ReturnType<typeof createSupervisor>;

function firstLine(message: string): string {
  const line = message.split("\n")[0]!.trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
