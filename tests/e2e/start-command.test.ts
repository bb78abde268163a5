import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findFreePort } from "@/lib/net";
import { parsePrometheus, samplesOf } from "../helpers/prometheus";
import { queryOnce } from "../helpers/sql";
import { startCommand, survivors } from "../helpers/start-command";
import { passwordFile } from "@/lib/db/embedded";

describe("npm start", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await fs.rm(d, { recursive: true, force: true });
  });

  const scratchDir = async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "provenance-start-"));
    await fs.chmod(dir, 0o755);
    dirs.push(dir);
    return dir;
  };

  it("serves the dashboard, stops every child on Ctrl-C and keeps the data for the next start", async () => {
    const dataDir = await scratchDir();
    const env = { DATA_DIR: dataDir, PORT: String(await findFreePort()), DATABASE_URL: "" };

    const first = startCommand(env);
    const [, dbPort] = await first.waitFor(/embedded PostgreSQL on 127\.0\.0\.1:(\d+)/);
    const [, appUrl] = await first.waitFor(/dashboard: (http:[^\s"]+)/);
    expect(first.output()).toMatch(/chain 10740: anvil at http/);
    expect(first.output()).toMatch(/chain 8453: anvil at http/);
    const home = await fetch(appUrl!).then((r) => r.text());
    expect(home).toContain("Head block");
    // The home page just requested is timed under its route template.
    const metrics = await fetch(`${appUrl}/metrics`);
    expect(metrics.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const samples = parsePrometheus(await metrics.text());
    const homeCount = samplesOf(samples, "provenance_http_request_duration_seconds_count", {
      route: "/",
      method: "GET",
      status: "200",
    });
    expect(homeCount[0]!.value).toBeGreaterThanOrEqual(1);
    // The embedded database's password is made per data directory (DATA_DIR/pg-password).
    const password = (await fs.readFile(passwordFile(path.join(dataDir, "pg")), "utf8")).trim();
    const dbUrl = (port: string) => `postgresql://postgres:${password}@127.0.0.1:${port}/postgres`;
    await queryOnce(
      dbUrl(dbPort!),
      "INSERT INTO chain (id, name, finality_depth) VALUES (999, 'marker', 1)",
    );
    const sources = await fs.readFile(path.join(dataDir, "devnet", "sources.json"), "utf8");

    const intruder = startCommand({ ...env, PORT: String(await findFreePort()) });
    expect(await intruder.exited).toBe(1);
    expect(intruder.output()).toMatch(/is in use by another Provenance process \(pid \d+\)/);
    expect((await fetch(appUrl!)).status).toBe(200); // the first one is untouched

    process.kill(-first.child.pid!, "SIGINT");
    expect(await first.exited).toBe(0);
    expect(survivors(first.child)).toEqual([]);
    // Piped, not a terminal: every line the supervisor and the app wrote is JSON naming its process.
    for (const line of first.output().split("\n").filter(Boolean)) {
      const entry = JSON.parse(line) as { process?: string };
      expect(["supervisor", "app"], line).toContain(entry.process);
    }

    const second = startCommand(env);
    const [, dbPort2] = await second.waitFor(/embedded PostgreSQL on 127\.0\.0\.1:(\d+)/);
    await second.waitFor(/dashboard: http/);
    expect(await queryOnce(dbUrl(dbPort2!), "SELECT name FROM chain WHERE id = 999")).toEqual([
      { name: "marker" },
    ]);
    expect(await fs.readFile(path.join(dataDir, "devnet", "sources.json"), "utf8")).toBe(sources);
    process.kill(-second.child.pid!, "SIGINT");
    expect(await second.exited).toBe(0);
    expect(survivors(second.child)).toEqual([]);
  });

  it("stops with one sentence naming DATABASE_URL when the database is unreachable", async () => {
    const run = startCommand({
      DATA_DIR: await scratchDir(),
      DATABASE_URL: "postgresql://nobody:secret@127.0.0.1:1/provenance",
      PORT: String(await findFreePort()),
    });
    expect(await run.exited).toBe(1);
    expect(await fs.readdir(dirs.at(-1)!)).toEqual([]); // nothing was started
    const lines = run.output().trim().split("\n");
    const last = JSON.parse(lines.at(-1)!) as { process: string; msg: string };
    expect(last.process).toBe("supervisor");
    expect(last.msg).toMatch(/^DATABASE_URL is unreachable: .*ECONNREFUSED/);
    expect(run.output()).not.toMatch(/^\s+at /m);
  });

  it("stops with one sentence naming the variable when an RPC url is malformed", async () => {
    const run = startCommand({
      DATA_DIR: await scratchDir(),
      DEVNET: "false",
      OG_RPC_URL: "not a url",
      DATABASE_URL: "",
    });
    expect(await run.exited).toBe(1);
    const entry = JSON.parse(run.output().trim()) as { process: string; msg: string };
    expect(entry.process).toBe("supervisor");
    expect(entry.msg).toMatch(/^OG_RPC_URL is invalid: .*"not a url"/);
    expect(await fs.readdir(dirs.at(-1)!)).toEqual([]); // nothing was started
    expect(run.output()).not.toMatch(/^\s+at /m);
  });
});
