import net from "node:net";

/** Asks the kernel for a free TCP port on the loopback interface. */
export async function findFreePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("Could not determine a free port"));
      });
    });
  });
}

/**
 * The origin Next's router believes it serves (`http(s)://host:port`), for rewrites that
 * must stay inside the app. Note: Next rewrites loopback addresses (127.x, [::1]) in the
 * URLs it handles to "localhost", so the server is told "localhost" for them too
 * (scripts/serve.ts); otherwise the two disagree and a rewrite is proxied out over HTTP.
 */
export function nextServerHostname(host: string): string {
  if (host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host)) {
    return "localhost";
  }
  return host;
}

/** `nextServerHostname` as it appears in a URL (IPv6 in brackets). */
export function nextServerOrigin(protocol: string, host: string, port: number): string {
  const name = nextServerHostname(host);
  return `${protocol}//${net.isIPv6(name) ? `[${name}]` : name}:${port}`;
}
