import net from "node:net";

/** A TCP proxy that can be cut (connections refused, open ones dropped) and restored. */
export interface TcpProxy {
  port: number;
  /** Stops listening and drops every open connection: the target looks dead. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Forwards every connection on a free local port to `host:port`. Used to make PostgreSQL or
 * an RPC endpoint unreachable to one client (the app, the indexer) without stopping the real
 * server that other tests share.
 */
export async function startTcpProxy(host: string, port: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (at: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(at, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(0);
  const own = (server.address() as net.AddressInfo).port;
  const cut = async () => {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of sockets) s.destroy();
    await closed;
  };
  return {
    port: own,
    cut,
    restore: () => (server.listening ? Promise.resolve() : listen(own)),
    close: cut,
  };
}
