import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

/**
 * What `npm start`'s supervisor knows about the processes it keeps running, written to
 * DATA_DIR/run/supervisor.json (atomically: a temporary file renamed into place) whenever a
 * part starts, exits or is restarted. The dashboard reads it for the home page and
 * /api/ready: unlike the database, the file is there when PostgreSQL is down. Absent when the
 * parts run under another supervisor (systemd, containers); then nothing is shown from it.
 */
export const supervisedPartSchema = z.object({
  /** `indexer` or `postgres` (the embedded database). */
  name: z.enum(["indexer", "postgres"]),
  state: z.enum(["running", "restarting", "stopped"]),
  pid: z.number().int().nullable(),
  /** When the running instance started (ISO). */
  startedAt: z.string().nullable(),
  /** Restarts since `npm start` began. */
  restarts: z.number().int().nonnegative(),
  lastExit: z
    .object({
      at: z.string(),
      /** `SIGKILL`, `exit 1`, … */
      reason: z.string(),
    })
    .nullable(),
  /** When the next start is due, while restarting (ISO). */
  nextStartAt: z.string().nullable(),
  /** Why the last start failed, if it did. */
  lastError: z.string().nullable(),
});
export type SupervisedPart = z.infer<typeof supervisedPartSchema>;

export const supervisorStateSchema = z.object({
  /** The supervisor's own pid: a state file whose pid is gone is stale. */
  pid: z.number().int(),
  updatedAt: z.string(),
  parts: z.array(supervisedPartSchema),
});
export type SupervisorState = z.infer<typeof supervisorStateSchema>;

export function supervisorStateFile(dataDir: string): string {
  return path.join(dataDir, "run", "supervisor.json");
}

export async function writeSupervisorState(dataDir: string, state: SupervisorState): Promise<void> {
  const file = supervisorStateFile(dataDir);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(state, null, 2));
  await fs.rename(tmp, file);
}

/**
 * The supervisor's state, or null when there is none (no file, or its supervisor process is
 * gone: a state left by an earlier `npm start` says nothing about now).
 */
export async function readSupervisorState(dataDir: string): Promise<SupervisorState | null> {
  const text = await fs.readFile(supervisorStateFile(dataDir), "utf8").catch(() => null);
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = supervisorStateSchema.safeParse(json);
  if (!parsed.success) return null;
  try {
    process.kill(parsed.data.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return null;
  }
  return parsed.data;
}
