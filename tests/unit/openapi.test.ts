import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/api/openapi";

describe("buildOpenApiDocument()", () => {
  const doc = buildOpenApiDocument();

  it("describes every route under app/api/v1 (the document itself and the catch-all aside)", () => {
    const routes = (fs.readdirSync("app/api/v1", { recursive: true }) as string[])
      .filter((f) => path.basename(f) === "route.ts")
      .map((f) => `/api/v1/${path.dirname(f)}`.replace(/\[(\w+)\]/g, "{$1}"))
      .filter((r) => !r.includes("[...") && !r.endsWith("openapi.json"));
    expect(Object.keys(doc.paths).sort()).toEqual(routes.sort());
  });

  it("describes the status, the read routes and both evidence endpoints with every error answer", () => {
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/status",
        "/api/v1/models",
        "/api/v1/models/{model}/timeline",
        "/api/v1/inferences",
        "/api/v1/inferences/{id}",
        "/api/v1/outputs/{hash}",
        "/api/v1/findings",
        "/api/v1/search",
        "/api/v1/events",
        "/api/v1/receipts",
        "/api/v1/agent-actions",
      ]),
    );
    expect(doc.components.schemas.IndexerStatus).toMatchObject({
      properties: { sources: { type: "array" }, chains: { type: "array" } },
    });
    const receipts = doc.paths["/api/v1/receipts"].post.responses;
    expect(Object.keys(receipts).sort()).toEqual([
      "200",
      "201",
      "400",
      "413",
      "415",
      "422",
      "429",
      "500",
    ]);
    expect(Object.keys(doc.paths["/api/v1/agent-actions"].post.responses)).toContain("401");
    expect(
      Object.keys(
        (doc.paths["/api/v1/incidents"] as Record<string, { responses: object }>).post!.responses,
      ),
    ).toEqual(expect.arrayContaining(["401", "403", "413", "422"]));
  });

  it("lists the timeline's query parameters with their formats, and 404 and 422 answers", () => {
    const timeline = doc.paths["/api/v1/models/{model}/timeline"].get as unknown as {
      parameters: { name: string; in: string; schema: { enum?: string[] } }[];
      responses: Record<string, unknown>;
    };
    expect(timeline.parameters.map((p) => p.name)).toEqual([
      "model",
      "from",
      "to",
      "bucket",
      "asOf",
      "version",
      "enclave",
      "status",
      "payer",
      "agent",
    ]);
    expect(timeline.parameters.find((p) => p.name === "bucket")!.schema.enum).toEqual([
      "5m",
      "15m",
      "1h",
      "6h",
      "1d",
    ]);
    expect(Object.keys(timeline.responses).sort()).toEqual(["200", "404", "422", "500"]);
    expect(doc.components.schemas.InferenceDetail).toMatchObject({
      properties: { downstream: { type: "object" }, orphaned: {} },
    });
  });

  it("derives its schemas from the same zod schemas the routes validate with", () => {
    const receipt = doc.components.schemas.Receipt as unknown as {
      required: string[];
      properties: Record<string, { pattern?: string }>;
    };
    expect(receipt.required).toEqual(
      expect.arrayContaining([
        "tee_signature",
        "tee_request_hash",
        "tee_output_hash",
        "tee_timestamp",
        "tee_id",
        "model",
      ]),
    );
    expect(receipt.properties.tee_output_hash!.pattern).toBe("^(0x)?[0-9a-fA-F]{64}$");
    const batch = doc.components.schemas.ReceiptBatch as unknown as {
      properties: { receipts: { maxItems: number } };
    };
    expect(batch.properties.receipts.maxItems).toBe(1000);
  });

  it("is plain JSON", () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
