import http from "node:http";
import type { AddressInfo } from "node:net";

/** What a provider key looks like in each part of a URL; none may ever leave the server. */
export const SECRETS = ["sekret", "KEYPATH123", "QUERYKEY456"] as const;

/** A provider URL with a key in each place keys live: credentials, a path token, a query. */
export const keyedUrl = (port: number) =>
  `http://user:sekret@127.0.0.1:${port}/v3/KEYPATH123?apikey=QUERYKEY456`;

const AUTHORIZATION = `Basic ${Buffer.from("user:sekret").toString("base64")}`;

/** The secrets found in `text` (none, when it is clean). */
export function secretsIn(text: string): string[] {
  return SECRETS.filter((secret) => text.includes(secret));
}

/**
 * A provider in front of anvil, at a keyed URL. It checks the key as a provider would (the
 * credentials as Basic authorization, the path token, the query key), then forwards the
 * JSON-RPC body. With `echo`, it answers only `eth_chainId` and everything else with a 404
 * page that repeats the address it was asked for, as Apache's does: a provider error that
 * carries the key in a form no URL pattern recognises.
 */
export async function keyedProxy(upstream: string, opts: { echo?: boolean } = {}) {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const keyed =
        req.headers.authorization === AUTHORIZATION &&
        req.url === "/v3/KEYPATH123?apikey=QUERYKEY456";
      if (!keyed) {
        res.writeHead(401, { "content-type": "application/json" });
        return res.end(JSON.stringify({ error: "missing or wrong API key" }));
      }
      if (opts.echo && !body.includes('"eth_chainId"')) {
        res.writeHead(404, { "content-type": "text/html" });
        return res.end(`<p>The requested URL ${req.url} was not found on this server.</p>`);
      }
      fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body })
        .then(async (answer) => {
          res.writeHead(answer.status, { "content-type": "application/json" });
          res.end(await answer.text());
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: keyedUrl((server.address() as AddressInfo).port) };
}
