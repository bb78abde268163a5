import { describe, expect, inject, it } from "vitest";
import { browserAvailable } from "../helpers/browser";

const appUrl = inject("appUrl");

// The stack only runs where browser tests run; this test needs the stack, not a browser.
describe.skipIf(!browserAvailable())("the ingest rate limit through the real server", () => {
  it("cannot be dodged by sending a different X-Forwarded-For each time", async () => {
    const limit = inject("ingestRateLimit");
    let firstRefusal = 0;
    for (let i = 1; i <= limit + 1 && !firstRefusal; i++) {
      const res = await fetch(`${appUrl}/api/v1/receipts`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": `203.0.113.${i % 250}` },
        body: "{}",
      });
      if (res.status === 429) {
        firstRefusal = i;
        expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      } else {
        expect(res.status).toBe(422);
      }
    }
    expect(firstRefusal).toBeGreaterThan(0);
    expect(firstRefusal).toBeLessThanOrEqual(limit + 1);
  });
});
