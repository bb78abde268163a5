import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { supervisorStateFile, supervisorStateSchema } from "@/lib/system/supervisor-state";
import {
  createSupervisor,
  nextDelay,
  type Instance,
  type Supervisor,
} from "@/scripts/lib/supervisor";

/** An instance the test crashes at will. */
function fakeInstance(pid: number) {
  let crash!: (reason: string) => void;
  const crashed = new Promise<string>((resolve) => (crash = resolve));
  const instance: Instance & { stopped: boolean } = {
    pid,
    crashed,
    stopped: false,
    stop: async () => {
      instance.stopped = true;
    },
  };
  return { instance, crash };
}

describe("nextDelay()", () => {
  it("doubles from 1 s to at most 30 s, and starts over after a run of a minute", () => {
    const waits: number[] = [];
    let wait: number | null = null;
    for (let i = 0; i < 7; i++) waits.push((wait = nextDelay(wait, 500)));
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(nextDelay(30_000, 60_000)).toBe(1_000);
  });
});

describe("createSupervisor()", () => {
  let dataDir = "";
  const lines: string[] = [];
  let supervisor: Supervisor;
  const state = async () => {
    await supervisor.written();
    return supervisorStateSchema.parse(
      JSON.parse(await fs.readFile(supervisorStateFile(dataDir), "utf8")),
    );
  };
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "provenance-supervisor-unit-"));
    lines.length = 0;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("restarts a crashed part after the backoff, retries a failed start, and records each step", async () => {
    supervisor = createSupervisor({ dataDir, say: (line) => lines.push(line) });
    const first = fakeInstance(10);
    const third = fakeInstance(12);
    const starts = [
      async () => first.instance,
      async () => {
        throw new Error("port in use\nmore detail");
      },
      async () => third.instance,
    ];
    const keeper = await supervisor.supervise(
      "indexer",
      () => starts.shift()!(),
      (i) => `indexer: running again (pid ${i.pid})`,
    );
    expect((await state()).parts[0]).toMatchObject({ state: "running", pid: 10, restarts: 0 });

    first.crash("SIGKILL");
    await vi.advanceTimersByTimeAsync(0);
    expect(lines.at(-1)).toBe("indexer: exited (SIGKILL); restarting in 1 s (restart 1)");
    expect((await state()).parts[0]).toMatchObject({
      state: "restarting",
      pid: null,
      restarts: 1,
      lastExit: { reason: "SIGKILL" },
      nextStartAt: new Date(Date.now() + 1_000).toISOString(),
    });

    await vi.advanceTimersByTimeAsync(1_000);
    expect(lines.at(-1)).toBe("indexer: restart failed (port in use); retrying in 2 s (restart 1)");
    expect((await state()).parts[0]).toMatchObject({
      state: "restarting",
      lastError: "port in use\nmore detail",
    });

    await vi.advanceTimersByTimeAsync(2_000);
    expect(lines.at(-1)).toBe("indexer: running again (pid 12)");
    expect((await state()).parts[0]).toMatchObject({
      state: "running",
      pid: 12,
      restarts: 1,
      lastError: null,
      nextStartAt: null,
    });

    await keeper.stop();
    expect(third.instance.stopped).toBe(true);
    expect((await state()).parts[0]).toMatchObject({ state: "stopped", pid: null });
    await supervisor.remove();
    await expect(fs.access(supervisorStateFile(dataDir))).rejects.toThrow();
  });

  it("starts nothing again once halted, and stopping cancels a pending restart", async () => {
    supervisor = createSupervisor({ dataDir, say: (line) => lines.push(line) });
    const first = fakeInstance(20);
    const start = vi.fn(async () => first.instance);
    const keeper = await supervisor.supervise("postgres", start, () => "again");
    first.crash("exit 1");
    await vi.advanceTimersByTimeAsync(0);
    supervisor.halt();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(start).toHaveBeenCalledTimes(1);
    await keeper.stop();
    expect((await state()).parts[0]).toMatchObject({
      name: "postgres",
      state: "stopped",
      nextStartAt: null,
    });
    expect(lines).toEqual(["postgres: exited (exit 1); restarting in 1 s (restart 1)"]);
  });
});
