import fs from "node:fs/promises";
import path from "node:path";
import { ConfigError } from "@/lib/env";

/**
 * Claims a data directory for this process, so that a second `npm start` on the same
 * DATA_DIR stops with one sentence instead of taking over the first one's database and
 * chains. A lock left by a process that no longer runs is taken over.
 * Returns the release function.
 */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, ".lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(file, `${process.pid}\n`, { flag: "wx" });
      return () => fs.rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number((await fs.readFile(file, "utf8").catch(() => "")).trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new ConfigError(
          `DATA_DIR ${dir} is in use by another Provenance process (pid ${pid}): stop it first, or set DATA_DIR to another directory.`,
        );
      }
      await fs.rm(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
