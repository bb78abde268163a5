import { subscribeToIndexer } from "@/lib/db/live";

export const dynamic = "force-dynamic";

const KEEPALIVE_MS = 15_000;

/**
 * GET /api/v1/events: server-sent events, one `indexer` event per indexer commit, reorg or
 * linker pass (fed by Postgres LISTEN/NOTIFY). Pages use it to refresh what they show.
 */
export function GET(request: Request) {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      send("retry: 2000\n: connected\n\n");
      const unsubscribe = subscribeToIndexer((payload) =>
        send(`event: indexer\ndata: ${payload.replace(/\n/g, " ")}\n\n`),
      );
      const keepalive = setInterval(() => send(": keepalive\n\n"), KEEPALIVE_MS);
      cleanup = () => {
        clearInterval(keepalive);
        unsubscribe();
      };
      request.signal.addEventListener("abort", () => {
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}
