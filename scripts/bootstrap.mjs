// `npm start` on a fresh clone: install dependencies when they are missing, then hand
// over to scripts/start.ts. Plain JavaScript because nothing else is installed yet.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Provenance needs Node.js 20.19 or newer; this is ${process.version}.`);
  process.exit(1);
}

if (!existsSync("node_modules/.bin/tsx") || !existsSync("lib/db/generated/client.ts")) {
  console.log("provenance: installing dependencies (npm ci), once");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const script = process.argv[2];
const child = spawn(process.execPath, ["--import", "tsx", script, ...process.argv.slice(3)], {
  stdio: "inherit",
});
// Ctrl-C reaches every process in the group; the child shuts down and we follow it.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
