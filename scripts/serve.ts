import http from "node:http";
import next from "next";
import pg from "pg";
import { checkAtTheDoor, type DoorRefusal } from "@/lib/api/door";
import { checkpointIfDue } from "@/lib/audit/append";
import { loadAuditSigner } from "@/lib/audit/signing-key";
import { dataDir, getEnv, type Env } from "@/lib/env";
import { nextServerHostname } from "@/lib/net";

/**
 * The dashboard's HTTP server: Next's request handler behind a plain Node server, for
 * one reason. Next sets X-Forwarded-For only when a client did not send one, so a client
 * could pick its own rate-limit key; here the header always ends with the socket's
 * address (a client's own header is kept in front only behind a trusted proxy). And it is
 * the door (lib/api/door.ts): a declared body over the route's cap is refused (413) before
 * a byte of it is read, and an address that is not valid percent-encoding gets a 400.
 */
async function main() {
  const env = getEnv();
  const dev = process.argv.includes("--dev");
  // The proxy's rewrites (private deployments) build their origin the same way (lib/net.ts).
  const hostname = nextServerHostname(env.HOST);
  const app = next({ dev, hostname, port: env.PORT, dir: process.cwd() });
  const handle = app.getRequestHandler();
  await app.prepare();
  const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const refusal = checkAtTheDoor(req);
    if (refusal) return refuse(res, refusal);
    const socket = req.socket.remoteAddress ?? "unknown";
    const sent = req.headers["x-forwarded-for"];
    req.headers["x-forwarded-for"] =
      env.TRUST_PROXY && sent ? `${String(sent)}, ${socket}` : socket;
    void handle(req, res);
  };
  const server = http.createServer(serve);
  // A client that asks before sending its body (Expect: 100-continue) hears the refusal
  // instead of "100 Continue", and never sends the body at all.
  server.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const refusal = checkAtTheDoor(req);
    if (refusal) return refuse(res, refusal);
    res.writeContinue();
    serve(req, res);
  });
  server.listen(env.PORT, env.HOST, () => {
    process.stdout.write(
      `dashboard server listening on ${env.HOST}:${env.PORT} (${dev ? "dev" : "production"})\n`,
    );
  });
  startAuditCheckpoints(env);
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

function refuse(res: http.ServerResponse, refusal: DoorRefusal) {
  res.writeHead(refusal.status, {
    ...refusal.headers,
    "Content-Length": Buffer.byteLength(refusal.body),
  });
  res.end(refusal.body);
}

/**
 * The "hourly" half of the audit checkpoints (the other half is every N events, signed as
 * they are appended): once a minute, sign the head if it is not covered and the last
 * checkpoint is an hour old.
 */
function startAuditCheckpoints(env: Env) {
  if (!env.DATABASE_URL) return;
  const signer = loadAuditSigner({ key: env.AUDIT_SIGNING_KEY, dataDir: dataDir(env), env });
  const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 1 });
  pool.on("error", () => {});
  const tick = async () => {
    const client = await pool.connect();
    try {
      const seq = await checkpointIfDue(client, signer);
      if (seq !== null) process.stdout.write(`audit: signed a checkpoint at seq ${seq}\n`);
    } finally {
      client.release();
    }
  };
  setInterval(() => {
    tick().catch((error: unknown) =>
      process.stderr.write(`audit: checkpoint failed: ${(error as Error).message}\n`),
    );
  }, 60_000).unref();
}

main().catch((error: unknown) => {
  process.stderr.write(`dashboard server failed: ${(error as Error).message}\n`);
  process.exit(1);
});
