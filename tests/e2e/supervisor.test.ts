import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { passwordFile } from "@/lib/db/embedded";
import { findFreePort } from "@/lib/net";
import {
  readSupervisorState,
  supervisorStateFile,
  type SupervisedPart,
} from "@/lib/system/supervisor-state";
import { queryOnce } from "../helpers/sql";
import { startCommand, survivors } from "../helpers/start-command";

/** Polls `probe` every `intervalMs` until it returns something truthy; throws after 90 s. */
async function eventually<T>(what: string, probe: () => Promise<T>, intervalMs = 250) {
  const deadline = Date.now() + 90_000;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The dashboard's live-updates stream, read in the background. */
function followEvents(appUrl: string) {
  const controller = new AbortController();
  let text = "";
  void fetch(`${appUrl}/api/v1/events`, { signal: controller.signal })
    .then(async (response) => {
      const decoder = new TextDecoder();
      for await (const chunk of response.body!) text += decoder.decode(chunk, { stream: true });
    })
    .catch(() => {});
  return { text: () => text, close: () => controller.abort() };
}

describe("npm start's supervisor", () => {
  let dataDir = "";
  let started: ReturnType<typeof startCommand> | undefined;
  afterAll(async () => {
    // A failed test must not leave its stack running.
    if (started && started.child.exitCode === null) {
      process.kill(-started.child.pid!, "SIGINT");
      await started.exited;
    }
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("restarts a killed indexer and a killed PostgreSQL on the same port; Ctrl-C still stops everything", async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "provenance-supervisor-"));
    await fs.chmod(dataDir, 0o755);
    const run = (started = startCommand({
      DATA_DIR: dataDir,
      PORT: String(await findFreePort()),
      DATABASE_URL: "",
      STORY_REQUESTS: "20",
    }));
    const [, dbPort] = await run.waitFor(/embedded PostgreSQL on 127\.0\.0\.1:(\d+)/);
    const [, rpcUrl] = await run.waitFor(/chain 10740: anvil at (http:[^\s"]+)/);
    const [, appUrl] = await run.waitFor(/dashboard: (http:[^\s"]+)/);
    const password = (await fs.readFile(passwordFile(path.join(dataDir, "pg")), "utf8")).trim();
    const dbUrl = `postgresql://postgres:${password}@127.0.0.1:${dbPort}/postgres`;
    const part = async (name: SupervisedPart["name"]) =>
      (await readSupervisorState(dataDir))?.parts.find((p) => p.name === name);
    // When the indexer last committed (0: never yet), in seconds.
    const lastCommit = async () => {
      const [row] = await queryOnce(
        dbUrl,
        "SELECT coalesce(extract(epoch FROM max(updated_at)), 0)::float8 AS at FROM source_checkpoint",
      );
      return row!.at as number;
    };
    // A new block on the OpenGradient chain: a running indexer commits its range.
    const mine = () =>
      fetch(rpcUrl!, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] }),
      });
    const commitsAgain = async (since: number) => {
      await mine();
      await eventually("an indexer commit", async () => (await lastCommit()) > since);
    };

    const firstIndexer = (await part("indexer"))!;
    expect(firstIndexer).toMatchObject({ state: "running", restarts: 0, lastExit: null });
    const postgres = (await part("postgres"))!;
    expect(postgres).toMatchObject({ state: "running", restarts: 0 });
    const postmaster = await fs.readFile(path.join(dataDir, "pg", "postmaster.pid"), "utf8");
    expect(postgres.pid).toBe(Number(postmaster.split("\n")[0]));

    // The indexer, killed: said, counted, started again, and indexing.
    const beforeIndexerKill = await lastCommit();
    process.kill(firstIndexer.pid!, "SIGKILL");
    await run.waitFor(/indexer: exited \(SIGKILL\); restarting in 1 s \(restart 1\)/);
    await run.waitFor(/indexer: running again \(pid \d+\)/);
    const indexer = await eventually("the restarted indexer's state", async () => {
      const p = await part("indexer");
      return p?.state === "running" ? p : null;
    });
    expect(indexer).toMatchObject({
      restarts: 1,
      lastExit: { reason: "SIGKILL" },
      nextStartAt: null,
    });
    expect(indexer.pid).not.toBe(firstIndexer.pid);
    expect(isAlive(indexer.pid!)).toBe(true);
    await commitsAgain(beforeIndexerKill);
    // The home page says so, and readiness is back once the new indexer beats.
    expect(await fetch(appUrl!).then((r) => r.text())).toMatch(
      /Supervisor: (<!-- -->)?indexer running \(1 restart; last exit SIGKILL at /,
    );
    await eventually("readiness", async () => (await fetch(`${appUrl}/api/ready`)).ok);

    // PostgreSQL, killed: back on the same port; the dashboard and its live updates reconnect
    // by themselves, and the indexer commits again. Note: by itself, or restarted when the
    // outage caught it holding a pooled connection (an unhandled 'error' event ends it).
    const events = followEvents(appUrl!);
    await eventually("the live-updates stream", async () => events.text().includes(": connected"));
    const beforePostgresKill = await lastCommit();
    process.kill(postgres.pid!, "SIGKILL");
    await run.waitFor(/postgres: exited \(SIGKILL\); restarting in 1 s \(restart 1\)/);
    await run.waitFor(new RegExp(`postgres: running again on 127\\.0\\.0\\.1:${dbPort}`));
    const restarted = await eventually("the restarted postgres's state", async () => {
      const p = await part("postgres");
      return p?.state === "running" ? p : null;
    });
    expect(restarted).toMatchObject({ restarts: 1, lastExit: { reason: "SIGKILL" } });
    expect(restarted.pid).not.toBe(postgres.pid);
    const newPostmaster = await fs.readFile(path.join(dataDir, "pg", "postmaster.pid"), "utf8");
    expect(restarted.pid).toBe(Number(newPostmaster.split("\n")[0]));
    const seen = events.text().length;
    await eventually("the home page", async () => (await fetch(appUrl!)).status === 200);
    await commitsAgain(beforePostgresKill);
    expect(await fetch(appUrl!).then((r) => r.text())).toMatch(
      /Supervisor: (<!-- -->)?postgres running \(1 restart; last exit SIGKILL at /,
    );
    await eventually("readiness", async () => (await fetch(`${appUrl}/api/ready`)).ok);
    // The stream reconnects its LISTEN every 2 s: a block a second until an event comes.
    await eventually(
      "a live event after the restart",
      async () => {
        if (events.text().slice(seen).includes("event: indexer")) return true;
        await mine();
        return false;
      },
      1_000,
    );
    events.close();

    process.kill(-run.child.pid!, "SIGINT");
    expect(await run.exited).toBe(0);
    expect(survivors(run.child)).toEqual([]);
    const shutdown = run.output().slice(run.output().indexOf("SIGINT received"));
    expect(shutdown).not.toMatch(/restarting in/);
    await expect(fs.access(supervisorStateFile(dataDir))).rejects.toThrow();
  }, 300_000);
});
