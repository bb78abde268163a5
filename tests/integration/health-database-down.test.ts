import { describe, expect, it } from "vitest";
import { pointAppAtDatabase } from "../helpers/route";

// Port 9 (discard) has nothing listening: every connection is refused at once, as when
// PostgreSQL is down. Set before anything reads the environment.
pointAppAtDatabase("postgresql://postgres:x@127.0.0.1:9/postgres");

describe("when the database is unreachable", () => {
  it("liveness and readiness answer 503 with the reason", async () => {
    const health = await import("@/app/api/health/route");
    const live = await health.GET();
    expect(live.status).toBe(503);
    expect(((await live.json()) as { reason: string }).reason).toMatch(
      /The database is unreachable: .*ECONNREFUSED/,
    );
    const ready = await import("@/app/api/ready/route");
    const answer = await ready.GET();
    expect(answer.status).toBe(503);
    const body = (await answer.json()) as { reasons: string[] };
    expect(body.reasons).toHaveLength(1);
    expect(body.reasons[0]).toMatch(/^database: The database is unreachable/);
  });

  it("the API answers 503 with Retry-After, not 500, and names the cause", async () => {
    const models = await import("@/app/api/v1/models/route");
    const answer = await models.GET(new Request("http://localhost/api/v1/models"), {
      params: Promise.resolve({}),
    } as never);
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("5");
    const body = (await answer.json()) as { error: string; message: string };
    expect(body.error).toBe("database_unavailable");
    expect(body.message).toMatch(/nothing was read or written/);
  });
});
