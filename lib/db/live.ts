import "server-only";
import pg from "pg";
import { getEnv } from "@/lib/env";
import { log } from "@/lib/log";

/** The indexer's NOTIFY channel (lib/indexer/write.ts); its payloads are small JSON objects. */
export const LIVE_CHANNEL = "provenance_indexer";
const RECONNECT_MS = 2_000;

type Listener = (payload: string) => void;

interface LiveHub {
  listeners: Set<Listener>;
  client: pg.Client | null;
  connecting: boolean;
}

// Note: one LISTEN connection per server process however many browsers are subscribed,
// kept on globalThis so Next's dev reloads do not open another each time.
const holder = globalThis as unknown as { __provenanceLive?: LiveHub };
const hub = (): LiveHub =>
  (holder.__provenanceLive ??= { listeners: new Set(), client: null, connecting: false });

function connect() {
  const h = hub();
  const url = getEnv().DATABASE_URL;
  if (h.client || h.connecting || !url || h.listeners.size === 0) return;
  h.connecting = true;
  const client = new pg.Client({ connectionString: url });
  let lost = false;
  // Note: a server that goes away (a restart, a crash) makes the client emit 'error' twice, the
  // FATAL message and then the closed socket; one reconnect per connection is enough.
  const retry = (error: Error) => {
    if (lost) return;
    lost = true;
    log.warn({ error: error.message }, "Live updates connection lost; reconnecting");
    if (h.client === client) h.client = null;
    client.end().catch(() => {});
    setTimeout(connect, RECONNECT_MS).unref();
  };
  client.on("error", retry);
  client.on("notification", (n) => {
    if (n.channel !== LIVE_CHANNEL) return;
    for (const listener of h.listeners) listener(n.payload ?? "{}");
  });
  client
    .connect()
    .then(() => client.query(`LISTEN ${LIVE_CHANNEL}`))
    .then(() => {
      h.client = client;
      h.connecting = false;
    })
    .catch((error: Error) => {
      h.connecting = false;
      retry(error);
    });
}

/**
 * Calls `listener` with each NOTIFY payload the indexer sends after committing. Returns the
 * unsubscribe function; the connection closes when the last listener leaves.
 */
export function subscribeToIndexer(listener: Listener): () => void {
  const h = hub();
  h.listeners.add(listener);
  connect();
  return () => {
    h.listeners.delete(listener);
    if (h.listeners.size === 0 && h.client) {
      const client = h.client;
      h.client = null;
      client.end().catch(() => {});
    }
  };
}
