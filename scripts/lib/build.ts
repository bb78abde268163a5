import crypto from "node:crypto";
import { spawn } from "node:child_process";
import readline from "node:readline";
import fs from "node:fs/promises";
import path from "node:path";
import { log, prettyOutput } from "@/lib/log";

const INPUTS = [
  "app",
  "components",
  "lib",
  "public",
  "next.config.ts",
  "proxy.ts",
  "postcss.config.mjs",
  "package-lock.json",
  "prisma/schema.prisma",
];
const STAMP = path.join(".next", "provenance-build-hash");

/** A hash of every file `next build` reads, so an unchanged tree is not rebuilt. */
export async function hashBuildInputs(root = process.cwd()): Promise<string> {
  const hash = crypto.createHash("sha256");
  const files: string[] = [];
  for (const input of INPUTS) files.push(...(await listFiles(path.join(root, input))));
  for (const file of files.sort()) {
    hash.update(path.relative(root, file));
    hash.update(await fs.readFile(file));
  }
  return hash.digest("hex");
}

async function listFiles(target: string): Promise<string[]> {
  const stat = await fs.stat(target).catch(() => undefined);
  if (!stat) return [];
  if (stat.isFile()) return [target];
  const entries = await fs.readdir(target, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Runs `next build` unless the last build was made from the same inputs. */
export async function ensureBuilt(args: { onStart?: () => void } = {}): Promise<boolean> {
  const want = await hashBuildInputs();
  const have = await fs.readFile(STAMP, "utf8").catch(() => "");
  const built = await fs.access(path.join(".next", "BUILD_ID")).then(
    () => true,
    () => false,
  );
  if (built && have === want) return false;
  args.onStart?.();
  await run(process.execPath, [path.join("node_modules", "next", "dist", "bin", "next"), "build"]);
  await fs.writeFile(STAMP, want);
  return true;
}

function run(command: string, argv: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // Off a terminal, next build's human output becomes JSON log lines like everything else.
    const child = spawn(command, argv, {
      stdio: prettyOutput ? ["ignore", "inherit", "inherit"] : ["ignore", "pipe", "pipe"],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (child.stdout)
      readline
        .createInterface({ input: child.stdout })
        .on("line", (line) => line.trim() && log.info({ step: "build" }, line));
    if (child.stderr)
      readline
        .createInterface({ input: child.stderr })
        .on("line", (line) => line.trim() && log.warn({ step: "build" }, line));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`next build failed with exit code ${code}`)),
    );
  });
}
