import path from "node:path";
import { describe, expect, it } from "vitest";
import { createRouteTemplates } from "@/lib/route-template";

const templateOf = createRouteTemplates(path.resolve(import.meta.dirname, "../../app"));

describe("createRouteTemplates()", () => {
  it("names a request by the app route it lands on, dynamic segments as in the app directory", () => {
    expect(templateOf("/api/v1/inferences/0xabc")).toBe("/api/v1/inferences/[id]");
    expect(templateOf("/models/gpt-4o")).toBe("/models/[model]");
    expect(templateOf("/api/v1/disputes/12/status")).toBe("/api/v1/disputes/[id]/status");
    expect(templateOf("/")).toBe("/");
    expect(templateOf("/metrics")).toBe("/metrics");
  });

  it("prefers a static route over a dynamic one, and a catch-all last", () => {
    expect(templateOf("/api/v1/incidents/statement")).toBe("/api/v1/incidents/statement");
    expect(templateOf("/api/v1/models")).toBe("/api/v1/models");
    expect(templateOf("/api/v1/no/such/thing")).toBe("/api/v1/[...path]");
  });

  it("drops route groups and folds unknown paths and Next's assets into two labels", () => {
    expect(templateOf("/findings")).toBe("/findings");
    expect(templateOf("/wp-admin/setup.php")).toBe("other");
    expect(templateOf("/_next/static/chunks/abc.js")).toBe("/_next");
  });
});
