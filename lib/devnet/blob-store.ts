import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { log } from "@/lib/log";
import { findFreePort } from "@/lib/net";

/** A local stand-in for Walrus: batch-settlement tree dumps, by blob id, over HTTP. */
export interface BlobStore {
  /** Base URL; a blob is at `${url}/blobs/${blobId}`. */
  url: string;
  port: number;
  /** Stores a blob (the simulator's side; there is no upload over HTTP). */
  put(blobId: string, content: string): Promise<void>;
  /** Removes a blob, to plant a "blob missing" fault. */
  remove(blobId: string): Promise<void>;
  stop(): Promise<void>;
}

const BLOB_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Serves `GET /blobs/<id>` from files in `dir` (kept across restarts), on `preferredPort`
 * when it is free so that the source configuration keeps its URL.
 */
export async function startBlobStore(args: {
  dir: string;
  preferredPort?: number;
}): Promise<BlobStore> {
  await fs.mkdir(args.dir, { recursive: true });
  const file = (id: string) => {
    if (!BLOB_ID.test(id)) throw new Error(`Invalid blob id ${JSON.stringify(id)}`);
    return path.join(args.dir, `${id}.json`);
  };
  const server = http.createServer((req, res) => {
    const match = /^\/blobs\/([^/?]+)$/.exec(req.url ?? "");
    if (req.method !== "GET" || !match || !BLOB_ID.test(match[1]!)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    fs.readFile(file(match[1]!)).then(
      (body) => res.writeHead(200, { "content-type": "application/json" }).end(body),
      () => res.writeHead(404, { "content-type": "text/plain" }).end("no such blob"),
    );
  });
  const port = await listen(server, args.preferredPort);
  const url = `http://127.0.0.1:${port}`;
  log.info({ url, dir: args.dir }, "Started blob store");
  return {
    url,
    port,
    put: (id, content) => fs.writeFile(file(id), content),
    remove: (id) => fs.rm(file(id), { force: true }),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function listen(server: http.Server, preferred?: number): Promise<number> {
  for (const port of [preferred, undefined, undefined]) {
    const candidate = port ?? (await findFreePort());
    const ok = await new Promise<boolean>((resolve) => {
      server.once("error", () => resolve(false));
      server.listen(candidate, "127.0.0.1", () => resolve(true));
    });
    if (ok) return candidate;
  }
  throw new Error("The blob store found no free port");
}
