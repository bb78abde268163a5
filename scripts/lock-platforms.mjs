// Keeps package-lock.json usable by `npm ci` on every platform. The npm registry
// mirror this project is built with lacks some other-platform binaries (for example
// anvil for macOS), so `npm install` leaves their optional entries out of the lock, and
// `npm ci` then refuses the lock as out of sync. This adds each missing optional
// platform package as a lock entry with its os/cpu, which every other platform skips.
// Run it after `npm install <something>`: `npm run lock:platforms`.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = "package-lock.json";
const OS = [
  "darwin",
  "linux",
  "win32",
  "android",
  "freebsd",
  "openharmony",
  "openbsd",
  "sunos",
  "aix",
];
const CPU = {
  amd64: "x64",
  x64: "x64",
  arm64: "arm64",
  arm: "arm",
  ia32: "ia32",
  ppc64: "ppc64",
  riscv64: "riscv64",
  s390x: "s390x",
  loong64: "loong64",
  wasm32: "wasm32",
  mips64el: "mips64el",
};

function missingFromLock() {
  let output = "";
  try {
    execFileSync("npm", ["ci", "--dry-run", "--ignore-scripts"], { stdio: "pipe" });
  } catch (error) {
    output = `${error.stdout}${error.stderr}`;
  }
  return [...output.matchAll(/Missing: (@?[^@\s]+)@/g)].map((m) => m[1]);
}

function platformOf(name) {
  const parts = name.split("/").pop().split("-");
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.map((p) => CPU[p]).find(Boolean);
  return { os: os ?? (cpu === "wasm32" ? undefined : "unknown"), cpu };
}

const missing = missingFromLock();
const lock = JSON.parse(readFileSync(LOCK, "utf8"));
for (const name of missing) {
  const parent = Object.values(lock.packages).find((p) => p.optionalDependencies?.[name]);
  if (!parent) throw new Error(`No package in the lock names ${name} as optional`);
  const { os, cpu } = platformOf(name);
  const entry = {
    version: parent.optionalDependencies[name].replace(/^[\^~=]/, ""),
    optional: true,
  };
  if (cpu) entry.cpu = [cpu];
  if (os) entry.os = [os];
  lock.packages[`node_modules/${name}`] = entry;
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) =>
    a === "" ? -1 : b === "" ? 1 : a.localeCompare(b),
  ),
);
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
const left = missing.length ? missingFromLock() : [];
console.log(
  `lock:platforms: added ${missing.length} platform entries; ${left.length} still missing`,
);
if (left.length) process.exit(1);
