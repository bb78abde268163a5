// The verification pool's worker thread (lib/evidence/verify-pool.ts).
//
// Note: plain JavaScript on purpose. Next bundles the server code (Turbopack), so no
// compiled copy of lib/evidence exists at a path a Worker could be pointed at; this file
// is started by Node as it is, from the source tree (process.cwd(), where `npm start`
// runs), and loads the signature rules themselves (verify-jobs.ts) through tsx, which
// `npm start` already runs under. One source of truth for the rules, none copied here.
import { parentPort } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

const rules = tsImport("./verify-jobs.ts", import.meta.url);

// Listening at once: a message posted while the rules load waits for them here.
parentPort.on("message", async ({ id, job }) => {
  try {
    const { runVerifyJob } = await rules;
    parentPort.postMessage({ id, result: await runVerifyJob(job) });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
