import net from "node:net";

/**
 * `refuse`: nothing listens on the port (connections refused, open ones reset), as when a
 * server is down. `hang`: connections are accepted and requests read, but nothing is ever
 * answered, as when a server or the network in between stalls.
 */
export type Outage = "refuse" | "hang";

export interface OutageProxy {
  /** The proxy's port on 127.0.0.1 (the same across outages). */
  port: number;
  /** Starts an outage, or (null) ends it: then connections are forwarded again. */
  set(outage: Outage | null): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A TCP proxy to `target` that can be made to refuse or hang, for any protocol (a JSON-RPC
 * endpoint, PostgreSQL). Unlike ./faulty-rpc-proxy, which injects one fault per request, an
 * outage lasts until it is ended, and a refused connection is really refused.
 */
export async function startOutageProxy(target: {
  host: string;
  port: number;
}): Promise<OutageProxy> {
  let outage: Outage | null = null;
  const forwarded = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const held = new Set<net.Socket>();

  const hold = (socket: net.Socket) => {
    held.add(socket);
    socket.removeAllListeners("data");
    socket.on("data", () => {});
    socket.on("error", () => {});
    socket.once("close", () => held.delete(socket));
  };

  const server = net.createServer((client) => {
    client.on("error", () => {});
    if (outage === "hang") return hold(client);
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    forwarded.add(pair);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    client.on("data", (d) => upstream.write(d));
    upstream.on("data", (d) => client.write(d));
    client.once("close", () => {
      upstream.destroy();
      forwarded.delete(pair);
    });
    upstream.once("close", () => {
      if (!held.has(client)) client.destroy();
    });
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));

  await listen(0);
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    async set(next) {
      if (next === outage) return;
      const previous = outage;
      outage = next;
      if (next === "hang") {
        // Open connections stop answering too: what was asked is never answered.
        for (const pair of forwarded) {
          forwarded.delete(pair);
          hold(pair.client);
          pair.upstream.destroy();
        }
      }
      if (next === "refuse" || next === null) {
        for (const socket of held) socket.destroy();
      }
      if (next === "refuse") {
        for (const pair of forwarded) pair.client.destroy();
        await close();
      }
      if (previous === "refuse") await listen(port);
    },
    async stop() {
      outage = "refuse";
      for (const socket of held) socket.destroy();
      for (const pair of forwarded) pair.client.destroy();
      if (server.listening) await close();
    },
  };
}
