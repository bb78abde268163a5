import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "@/lib/api/openapi";

describe("buildOpenApiDocument()", () => {
  const doc = buildOpenApiDocument();

  it("describes the status and both evidence endpoints with every error answer", () => {
    expect(Object.keys(doc.paths)).toEqual([
      "/api/v1/status",
      "/api/v1/receipts",
      "/api/v1/agent-actions",
    ]);
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
