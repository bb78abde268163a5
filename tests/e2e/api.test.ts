import { describe, expect, inject, it } from "vitest";
import { DEVNET_ENCLAVE_KEYS } from "@/lib/devnet/scenario/enclave-keys";
import { signTeeResponse } from "@/lib/devnet/scenario/tee-signer";
import { browserAvailable } from "../helpers/browser";

const appUrl = inject("appUrl");

// The stack runs only where browser tests run; these tests need the stack, not a browser.
describe.skipIf(!browserAvailable())("the API through the real server", () => {
  it("serves its OpenAPI description", async () => {
    const res = await fetch(`${appUrl}/api/v1/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/api/v1/receipts");
  });

  it("reports each source's checkpoint, the head and the lag, and the indexer's findings on the story", async () => {
    const deadline = Date.now() + 60_000;
    let status: {
      sources: {
        checkpointBlock: string | null;
        lagBlocks: string | null;
        lastError: string | null;
      }[];
      findings: { open: number };
    };
    do {
      status = await (await fetch(`${appUrl}/api/v1/status`)).json();
      if (status.sources.every((s) => s.lagBlocks !== null && BigInt(s.lagBlocks) <= 1n)) break;
      await new Promise((r) => setTimeout(r, 500));
    } while (Date.now() < deadline);
    expect(status.sources).toHaveLength(6);
    for (const s of status.sources) {
      expect(s.checkpointBlock).not.toBeNull();
      expect(s.lastError).toBeNull();
    }
    // The story plants two corrupted receipts, one unposted receipt and stale records.
    expect(status.findings.open).toBeGreaterThanOrEqual(6);
  });

  it("answers an unknown route with a JSON 404 and a wrong method with 405 and Allow", async () => {
    const missing = await fetch(`${appUrl}/api/v1/no-such-thing`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toMatch(/openapi\.json/);
    const wrong = await fetch(`${appUrl}/api/v1/receipts`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("POST");
  });

  it("finds a delivered receipt by its output hash written without 0x, as the gateway writes it", async () => {
    const outputHash = "ab".repeat(32);
    // Signed by one of the story's registered enclaves: only those make inferences.
    const enclave = DEVNET_ENCLAVE_KEYS[0]!;
    const receipt = {
      tee_signature: signTeeResponse({
        privateKeyPem: enclave.privateKeyPem,
        requestHash: "cd".repeat(32),
        outputHash,
        timestamp: 1_763_900_000,
      }),
      tee_request_hash: "cd".repeat(32),
      tee_output_hash: outputHash,
      tee_timestamp: 1_763_900_000,
      tee_id: enclave.teeId,
      model: "openai/gpt-4.1",
    };
    const posted = await fetch(`${appUrl}/api/v1/receipts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(receipt),
    });
    expect([200, 201]).toContain(posted.status);
    // Found at once (as a stored receipt, or already as an inference's output)…
    const first = (await (await fetch(`${appUrl}/api/v1/search?q=${outputHash}`)).json()) as {
      hits: { kind: string; label: string; detail: string }[];
    };
    expect(first.hits.find((h) => h.label === `0x${outputHash}`)?.detail).toMatch(
      /openai\/gpt-4\.1(, signed at 2025-11-23T12:13:20\.000Z \(output\))?/,
    );
    // …and once the indexer has linked it, the search names its permalink as the exact page.
    await expect
      .poll(
        async () =>
          (
            (await (await fetch(`${appUrl}/api/v1/search?q=${outputHash}`)).json()) as {
              exact: string | null;
            }
          ).exact,
        { timeout: 30_000 },
      )
      .toBe(`/o/0x${outputHash}`);
  });

  // Last in this file: it spends the loopback address's allowance for the next minute.
  it("cannot be dodged by sending a different X-Forwarded-For each time", async () => {
    const limit = inject("ingestRateLimit");
    // Note: the limiter's window is fixed and began at this address's first request (the
    // story, earlier tests); if it ends during the loop, the count starts again. Within two
    // windows' worth of requests a refusal must come all the same: without the limiter (or
    // with a dodge by X-Forwarded-For) none would.
    let firstRefusal = 0;
    for (let i = 1; i <= 2 * limit + 1 && !firstRefusal; i++) {
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
    expect(firstRefusal).toBeLessThanOrEqual(2 * limit + 1);
  });
});
