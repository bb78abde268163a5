import http from "node:http";
import path from "node:path";
import next from "next";
import pg from "pg";
import { checkAtTheDoor, databaseDownAnswer, type DoorRefusal } from "@/lib/api/door";
import { checkpointIfDue } from "@/lib/audit/append";
import { loadAuditSigner } from "@/lib/audit/signing-key";
import { dataDir, getEnv, type Env } from "@/lib/env";
import { log, routeConsoleToLog } from "@/lib/log";
import { getMetrics } from "@/lib/metrics";
import { nextServerHostname } from "@/lib/net";
import { createRouteTemplates } from "@/lib/route-template";
import { redactSecrets, registeredSecretUrls } from "@/lib/chain/redact-url";
import { createDatabaseProbe } from "@/lib/system/db-probe";

/**
 * The dashboard's HTTP server: Next's request handler behind a plain Node server, for
 * one reason. Next sets X-Forwarded-For only when a client did not send one, so a client
 * could pick its own rate-limit key; here the header always ends with the socket's
 * address (a client's own header is kept in front only behind a trusted proxy). And it is
 * the door (lib/api/door.ts): a declared body over the route's cap is refused (413) before
 * a byte of it is read, and an address that is not valid percent-encoding gets a 400.
 */
async function main() {
  routeConsoleToLog();
  const env = getEnv();
  const dev = process.argv.includes("--dev");
  // The proxy's rewrites (private deployments) build their origin the same way (lib/net.ts).
  const hostname = nextServerHostname(env.HOST);
  const app = next({ dev, hostname, port: env.PORT, dir: process.cwd() });
  const handle = app.getRequestHandler();
  await app.prepare();
  const timed = timeRequests(createRouteTemplates(path.join(process.cwd(), "app")));
  const databaseDown = watchDatabase(env);
  const serve = (req: http.IncomingMessage, res: http.ServerResponse) => {
    timed(req, res);
    const refusal = checkAtTheDoor(req) ?? databaseDown(req);
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
    log.info(
      { host: env.HOST, port: env.PORT, mode: dev ? "dev" : "production" },
      `Dashboard server listening on ${env.HOST}:${env.PORT}`,
    );
  });
  startAuditCheckpoints(env);
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/**
 * Probes the database once a second. While it does not answer, every page and API request
 * that needs it gets a 503 saying so (lib/api/door.ts) instead of a page with an error box
 * or a 500; health, readiness, metrics and static files still answer. Changes are logged.
 */
function watchDatabase(env: Env) {
  if (!env.DATABASE_URL) return () => null;
  const probe = createDatabaseProbe(env.DATABASE_URL);
  let wasUp = true;
  const tick = async () => {
    const state = await probe.check();
    if (state.up !== wasUp) {
      if (state.up) log.info("Database reachable again");
      else
        log.error(
          { error: redactSecrets(state.error ?? "", registeredSecretUrls()) },
          "Database unreachable: pages and the API answer 503 until it is back",
        );
      wasUp = state.up;
    }
  };
  void tick();
  setInterval(() => void tick(), 1000).unref();
  return (req: http.IncomingMessage) => {
    const state = probe.current();
    if (state.up) return null;
    const reason = redactSecrets(state.error ?? "no answer", registeredSecretUrls());
    return databaseDownAnswer(req.url, reason);
  };
}

/**
 * Observes each request's duration, from its arrival to the last byte of the answer, under
 * its route template (never the raw path: label values must stay few).
 */
function timeRequests(templateOf: (pathname: string) => string) {
  const histogram = getMetrics().httpDuration;
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    const stop = histogram.startTimer();
    res.once("finish", () => {
      const pathname = (req.url ?? "/").split("?")[0]!;
      stop({ route: templateOf(pathname), method: req.method ?? "GET", status: res.statusCode });
    });
  };
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
      if (seq !== null) log.info({ seq }, "Audit checkpoint signed");
    } finally {
      client.release();
    }
  };
  setInterval(() => {
    tick().catch((error: unknown) => log.error({ err: error }, "Audit checkpoint failed"));
  }, 60_000).unref();
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, "Dashboard server failed");
  process.exit(1);
});
