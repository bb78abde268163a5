import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkAtTheDoor,
  DEFAULT_MAX_BODY_BYTES,
  maxBodyBytesFor,
  databaseDownAnswer,
} from "@/lib/api/door";
import { MAX_AGENT_ACTION_BODY_BYTES } from "@/lib/api/schemas/agent-actions";
import { MAX_RECEIPT_BODY_BYTES } from "@/lib/api/schemas/receipts";

const at = (url: string, headers: Record<string, string> = {}) => checkAtTheDoor({ url, headers });

describe("checkAtTheDoor()", () => {
  it("takes each route's own body cap, and a default for the rest", () => {
    expect(maxBodyBytesFor("/api/v1/receipts")).toBe(MAX_RECEIPT_BODY_BYTES);
    expect(maxBodyBytesFor("/api/v1/receipts/")).toBe(MAX_RECEIPT_BODY_BYTES);
    expect(maxBodyBytesFor("/api/v1/agent-actions")).toBe(MAX_AGENT_ACTION_BODY_BYTES);
    expect(maxBodyBytesFor("/api/v1/disputes")).toBe(DEFAULT_MAX_BODY_BYTES);
    expect(maxBodyBytesFor("/")).toBe(DEFAULT_MAX_BODY_BYTES);
  });

  it("refuses a declared body over the route's cap with 413 in the API's error shape", () => {
    const refusal = at("/api/v1/receipts", {
      "content-length": String(MAX_RECEIPT_BODY_BYTES + 1),
    });
    expect(refusal).toMatchObject({ status: 413 });
    expect(refusal!.headers).toMatchObject({
      "Content-Type": "application/json",
      Connection: "close",
    });
    expect(JSON.parse(refusal!.body)).toEqual({
      error: "payload_too_large",
      message: "The body is larger than 5 MB; split it into smaller requests.",
    });
    expect(at("/api/v1/receipts", { "content-length": String(MAX_RECEIPT_BODY_BYTES) })).toBeNull();
    expect(at("/api/v1/agent-actions?x=1", { "content-length": "2000000" })?.status).toBe(413);
    expect(at("/api/v1/disputes", { "content-length": "70000" })?.status).toBe(413);
  });

  it.each(["/api/v1/inferences/%E0%A4%A", "/api/v1/models/%ZZ/timeline", "/api/v1/x/%"])(
    "answers 400 in JSON for the API address %s",
    (url) => {
      const refusal = at(url);
      expect(refusal?.status).toBe(400);
      expect(JSON.parse(refusal!.body).message).toMatch(/not valid percent-encoding/);
    },
  );

  it.each(["/o/%E0%A4%A", "/inferences/%", "/inferences/%00", "/search?q=a%00", "/models/a%0Ab"])(
    "answers 400 with a page for the page address %s",
    (url) => {
      const refusal = at(url);
      expect(refusal?.status).toBe(400);
      expect(refusal!.headers["Content-Type"]).toMatch(/text\/html/);
      expect(refusal!.body).toMatch(/This address cannot be opened/);
    },
  );

  it("lets well-formed addresses through, NUL in an API query included (the route names it)", () => {
    for (const url of [
      "/",
      "/models/openai%2Fgpt-4.1?from=2026-01-01T00%3A00%3A00Z",
      "/o/0xab",
      "/api/v1/inferences?model=%00",
      "http://localhost:3000/api/v1/status",
      "/search?q=%CE%BFpenai",
    ]) {
      expect(at(url), url).toBeNull();
    }
  });

  it("never throws, whatever the request line says", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 60 }),
        fc.constantFrom("%", "%E0%A4%A", "%00", "?", "/", "%ZZ", "#", "\ud800"),
        fc.oneof(fc.constant(undefined), fc.string({ maxLength: 12 })),
        (a, b, length) => {
          const headers = length === undefined ? {} : { "content-length": length };
          const refusal = checkAtTheDoor({ url: `/${a}${b}${a}`, headers });
          if (refusal) expect([400, 413]).toContain(refusal.status);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("while the database is down", () => {
  it("answers pages with a 503 page and the API with a 503 in its error shape", () => {
    const page = databaseDownAnswer("/models?x=1", "connect ECONNREFUSED 127.0.0.1:5432")!;
    expect(page.status).toBe(503);
    expect(page.headers["Content-Type"]).toContain("text/html");
    expect(page.headers["Retry-After"]).toBe("5");
    expect(page.body).toContain("The evidence database is unreachable");
    expect(page.body).toContain("connect ECONNREFUSED 127.0.0.1:5432");
    const api = databaseDownAnswer("/api/v1/models", "no answer")!;
    expect(api.status).toBe(503);
    expect(JSON.parse(api.body)).toMatchObject({ error: "database_unavailable" });
  });

  it("lets health, readiness, metrics and static files answer for themselves", () => {
    for (const url of ["/api/health", "/api/ready", "/metrics", "/_next/static/x.js", "/icon.svg"])
      expect(databaseDownAnswer(url, "no answer")).toBeNull();
  });
});
