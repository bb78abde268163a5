import path from "node:path";
import type { Worker } from "node:worker_threads";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";
import type { VerifyJob, VerifyResult } from "./verify-jobs";

/** The pool's queue is full; retry after the given seconds (an estimate of the wait). */
export class VerifyPoolBusyError extends Error {
  override name = "VerifyPoolBusyError";
  constructor(readonly retryAfterSeconds: number) {
    super(`The signature verifier is busy; retry in ${retryAfterSeconds} s.`);
  }
}

/** The worker running a job died or overran; the job's outcome is unknown (nothing verified). */
export class VerifyWorkerError extends Error {
  override name = "VerifyWorkerError";
}

export interface VerifyPoolStats {
  workers: number;
  busy: number;
  /** Signatures waiting in the queue. */
  queued: number;
  /** Signatures checked since the pool started (the failing one of a job included). */
  checked: number;
  /** Workers lost to a crash or a timeout, each replaced. */
  crashes: number;
}

export interface VerifyPool {
  /** Runs a job on a worker; rejects with VerifyPoolBusyError or VerifyWorkerError. */
  run(job: VerifyJob): Promise<VerifyResult>;
  stats(): VerifyPoolStats;
  close(): Promise<void>;
}

interface Pending {
  job: VerifyJob;
  resolve(result: VerifyResult): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  /** Whether the worker has answered before (its first job also loads the rules). */
  warm?: boolean;
  current?: Pending & { id: number; started: number; timer: NodeJS.Timeout };
}

/**
 * node:worker_threads, fetched at run time. Note: Turbopack (Next 16) bundles the entry of
 * every `new Worker(...)` it can see, and for a computed path globs the whole project
 * (README, .sol, config files) into the build, which fails; `turbopackIgnore` does not
 * stop it. The worker file is meant for Node as it is, so the bundler must not see it.
 */
function workerThreads(): typeof import("node:worker_threads") {
  return process.getBuiltinModule("node:worker_threads");
}

/** Where the worker file is: the source tree `npm start` runs in (see verify-worker.mjs). */
export function defaultWorkerFile(): string {
  return path.join(process.cwd(), "lib", "evidence", "verify-worker.mjs");
}

/**
 * Signature checks off the request thread: `size` worker threads, each running one job at
 * a time, and a FIFO queue of at most `queueLimit` signatures waiting (a job bigger than
 * the limit is still taken when the queue is empty). Invariant: a job is either queued,
 * on exactly one slot's `current`, or settled; a worker that exits or overruns
 * `jobTimeoutMs` settles its job with VerifyWorkerError and leaves its slot, and the next
 * job starts a fresh worker in its place.
 */
export function createVerifyPool(args: {
  size: number;
  queueLimit: number;
  jobTimeoutMs?: number;
  workerFile?: string;
}): VerifyPool {
  const file = args.workerFile ?? defaultWorkerFile();
  const timeoutMs = args.jobTimeoutMs ?? 60_000;
  const slots: Slot[] = [];
  const queue: Pending[] = [];
  let queuedItems = 0;
  let checked = 0;
  let crashes = 0;
  let nextId = 1;
  // Milliseconds per signature, smoothed, for the busy answer's Retry-After.
  let msPerItem = 3;

  const startWorker = (): Slot => {
    const worker = new (workerThreads().Worker)(file);
    worker.unref();
    const slot: Slot = { worker };
    worker.on("message", (msg: { id: number; result?: VerifyResult; error?: string }) => {
      const current = slot.current;
      if (!current || current.id !== msg.id) return;
      finish(slot);
      if (msg.result) {
        checked += msg.result.checked;
        const perItem = (Date.now() - current.started) / Math.max(1, msg.result.checked);
        if (slot.warm) msPerItem = 0.8 * msPerItem + 0.2 * perItem;
        slot.warm = true;
        current.resolve(msg.result);
      } else current.reject(new VerifyWorkerError(`Verification failed: ${msg.error}`));
      dispatch();
    });
    worker.on("error", (error) => lose(slot, `the verifier failed: ${error.message}`));
    worker.on("exit", (code) => lose(slot, `the verifier stopped (exit code ${code})`));
    slots.push(slot);
    return slot;
  };

  const finish = (slot: Slot) => {
    if (slot.current) clearTimeout(slot.current.timer);
    slot.current = undefined;
    // An idle worker does not keep the process alive.
    slot.worker.unref();
  };

  const lose = (slot: Slot, reason: string) => {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    crashes++;
    const current = slot.current;
    finish(slot);
    void slot.worker.terminate();
    log.warn({ reason, had_job: Boolean(current) }, "Verification worker lost; replacing it");
    current?.reject(new VerifyWorkerError(`Signatures could not be checked: ${reason}.`));
    dispatch();
  };

  const dispatch = () => {
    while (queue.length > 0) {
      const slot =
        slots.find((s) => !s.current) ?? (slots.length < args.size ? startWorker() : undefined);
      if (!slot) return;
      const pending = queue.shift()!;
      queuedItems -= pending.job.items.length;
      const id = nextId++;
      const timer = setTimeout(() => lose(slot, `a job ran over ${timeoutMs} ms`), timeoutMs);
      slot.current = { ...pending, id, started: Date.now(), timer };
      // A worker with work keeps the process alive until it answers.
      slot.worker.ref();
      slot.worker.postMessage({ id, job: pending.job });
    }
  };

  return {
    run(job) {
      const cost = job.items.length;
      const idle = slots.some((s) => !s.current) || slots.length < args.size;
      if (!idle && queue.length > 0 && queuedItems + cost > args.queueLimit) {
        const wait = ((queuedItems + cost) * msPerItem) / args.size / 1000;
        return Promise.reject(new VerifyPoolBusyError(Math.max(1, Math.ceil(wait))));
      }
      return new Promise<VerifyResult>((resolve, reject) => {
        queue.push({ job, resolve, reject });
        queuedItems += cost;
        dispatch();
      });
    },
    stats: () => ({
      workers: slots.length,
      busy: slots.filter((s) => s.current).length,
      queued: queuedItems,
      checked,
      crashes,
    }),
    async close() {
      const closing = slots.splice(0);
      for (const pending of queue.splice(0)) {
        pending.reject(new VerifyWorkerError("The verifier is shutting down."));
      }
      queuedItems = 0;
      for (const slot of closing) {
        slot.current?.reject(new VerifyWorkerError("The verifier is shutting down."));
        finish(slot);
      }
      await Promise.all(closing.map((s) => s.worker.terminate()));
    },
  };
}

const SHARED = Symbol.for("provenance.verifyPool");

/**
 * The process's one pool, sized by VERIFY_WORKERS and VERIFY_QUEUE_LIMIT. Kept on
 * globalThis so that every route bundle Next loads shares it.
 */
export function getVerifyPool(): VerifyPool {
  const holder = globalThis as { [SHARED]?: VerifyPool };
  if (!holder[SHARED]) {
    const env = getEnv();
    holder[SHARED] = createVerifyPool({
      size: env.VERIFY_WORKERS,
      queueLimit: env.VERIFY_QUEUE_LIMIT,
    });
  }
  return holder[SHARED];
}
