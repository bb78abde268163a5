import http from "node:http";
import next from "next";
import { getEnv } from "@/lib/env";

/**
 * The dashboard's HTTP server: Next's request handler behind a plain Node server, for
 * one reason. Next sets X-Forwarded-For only when a client did not send one, so a client
 * could pick its own rate-limit key; here the header always ends with the socket's
 * address (a client's own header is kept in front only behind a trusted proxy).
 */
async function main() {
  const env = getEnv();
  const dev = process.argv.includes("--dev");
  const app = next({ dev, hostname: env.HOST, port: env.PORT, dir: process.cwd() });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = http.createServer((req, res) => {
    const socket = req.socket.remoteAddress ?? "unknown";
    const sent = req.headers["x-forwarded-for"];
    req.headers["x-forwarded-for"] =
      env.TRUST_PROXY && sent ? `${String(sent)}, ${socket}` : socket;
    void handle(req, res);
  });
  server.listen(env.PORT, env.HOST, () => {
    process.stdout.write(
      `dashboard server listening on ${env.HOST}:${env.PORT} (${dev ? "dev" : "production"})\n`,
    );
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`dashboard server failed: ${(error as Error).message}\n`);
  process.exit(1);
});
