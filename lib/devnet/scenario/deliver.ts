import fs from "node:fs/promises";
import path from "node:path";
import { log } from "@/lib/log";

/** Where the story's evidence goes: the ingest API, over HTTP or in-process. */
export interface EvidenceSink {
  /** Posts up to 1,000 receipts; resolves with the HTTP status. */
  postReceipts(receipts: unknown[]): Promise<number>;
  /** Posts up to 500 signed statements, in order. */
  postAgentActions(bodies: unknown[]): Promise<number>;
}

const RECEIPTS_PER_REQUEST = 1000;
const ACTIONS_PER_REQUEST = 500;

/** The running app's ingest API. Waits out 429s as Retry-After says. */
export function httpSink(baseUrl: string): EvidenceSink {
  const post = async (route: string, body: unknown): Promise<number> => {
    for (;;) {
      const res = await fetch(`${baseUrl}${route}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      if (res.status !== 429) {
        if (res.status >= 300)
          throw new Error(`POST ${route} answered ${res.status}: ${await res.text()}`);
        return res.status;
      }
      const wait = Number(res.headers.get("retry-after") ?? 1);
      log.info({ route, retry_after_s: wait }, "Rate limited while delivering the story; waiting");
      await new Promise((r) => setTimeout(r, wait * 1000));
    }
  };
  return {
    postReceipts: (receipts) => post("/api/v1/receipts", { receipts }),
    postAgentActions: (actions) => post("/api/v1/agent-actions", { actions }),
  };
}

/**
 * Posts the story's outbox (receipts first, then agent actions in time order, so every
 * cited action already exists). The API is idempotent, so a delivery cut short can simply
 * run again; `delivered.json` records a complete one.
 */
export async function deliverOutbox(
  dir: string,
  sink: EvidenceSink,
): Promise<{ receipts: number; actions: number }> {
  const read = async (file: string) =>
    (await fs.readFile(path.join(dir, file), "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown);
  const receipts = await read("receipts.jsonl");
  const actions = await read("agent-actions.jsonl");
  for (let i = 0; i < receipts.length; i += RECEIPTS_PER_REQUEST) {
    await sink.postReceipts(receipts.slice(i, i + RECEIPTS_PER_REQUEST));
  }
  for (let i = 0; i < actions.length; i += ACTIONS_PER_REQUEST) {
    await sink.postAgentActions(actions.slice(i, i + ACTIONS_PER_REQUEST));
  }
  const result = { receipts: receipts.length, actions: actions.length };
  await fs.writeFile(
    path.join(dir, "delivered.json"),
    `${JSON.stringify({ ...result, at: new Date().toISOString() })}\n`,
  );
  return result;
}

/** Where a data directory keeps the story's outbox and manifest. */
export function storyDir(dataDir: string): string {
  return path.join(dataDir, "devnet", "story");
}

/** Whether the outbox in `dir` was played, and whether it was delivered completely. */
export async function outboxState(dir: string): Promise<{ played: boolean; delivered: boolean }> {
  const exists = (f: string) =>
    fs.access(path.join(dir, f)).then(
      () => true,
      () => false,
    );
  return { played: await exists("manifest.json"), delivered: await exists("delivered.json") };
}
