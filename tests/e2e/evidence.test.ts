import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { EvidenceBundle } from "@/lib/evidence/bundle";
import { seriousAxeViolations } from "../helpers/axe";
import { browserAvailable, launchBrowser } from "../helpers/browser";

describe.skipIf(!browserAvailable())(
  "permalinks: previews, bundles and verify in the browser",
  () => {
    const appUrl = inject("appUrl");
    let browser: Browser;
    let page: Page;
    let outputHash: string;
    let inferenceId: string;

    beforeAll(async () => {
      browser = await launchBrowser();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      // A settled, paid output (the story delivers them before the stack is ready).
      const deadline = Date.now() + 120_000;
      for (;;) {
        const res = await fetch(`${appUrl}/api/v1/inferences?limit=200`);
        const { items } = (await res.json()) as {
          items: {
            id: string;
            outputHash: string;
            settled: boolean;
            paid: string | null;
            orphaned: boolean;
          }[];
        };
        const found = items.find((i) => i.settled && i.paid && !i.orphaned);
        if (found) {
          ({ outputHash, id: inferenceId } = found);
          break;
        }
        if (Date.now() > deadline) throw new Error("No settled, paid output was indexed in 2 min.");
        await new Promise((r) => setTimeout(r, 1000));
      }
    }, 180_000);
    afterAll(async () => {
      await browser?.close();
    });

    it("an output permalink previews well: title, one-line summary and a generated image", async () => {
      await page.goto(`${appUrl}/o/${outputHash}`);
      const meta = (key: string) =>
        page
          .locator(`meta[property="${key}"], meta[name="${key}"]`)
          .first()
          .getAttribute("content");
      expect(await meta("og:title")).toMatch(/^Output 0x[0-9a-f]{8}…[0-9a-f]{4}: llm:/);
      expect(await meta("og:description")).toMatch(/settled on chain/);
      expect(await meta("twitter:card")).toBe("summary_large_image");
      const image = await meta("og:image");
      expect(image).toContain(`${appUrl}/o/${outputHash}/opengraph-image`);
      const res = await fetch(image!);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/png");
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(5_000);
    });

    it("verifies the bundle in the browser without asking the server anything", async () => {
      await page.goto(`${appUrl}/o/${outputHash}`, { waitUntil: "networkidle" });
      // Next prefetches the links that scroll into view (and their code): not a verification.
      const requests: string[] = [];
      page.on("request", (r) => {
        const prefetch = r.headers()["next-router-prefetch"] !== undefined;
        if (!prefetch && !r.url().includes("/_next/static/")) requests.push(r.url());
      });
      await page.getByRole("button", { name: "Verify in your browser" }).click();
      const summary = page.getByTestId("verify-summary");
      await summary.waitFor();
      expect(await summary.innerText()).toMatch(/^All \d+ checkable claims pass/);
      const each = page.getByText(/^Each claim \(\d+\)$/);
      if (await each.count()) await each.click();
      const lines = await page.locator("li", { hasText: "tee_signature" }).allInnerTexts();
      expect(lines.join("\n")).toMatch(/PASS\s*tee_signature/);
      expect(await page.locator("li", { hasText: /^FAIL/ }).count()).toBe(0);
      expect(requests).toEqual([]);
      expect(await seriousAxeViolations(page)).toEqual([]);
    });

    it("a permalink to nothing answers 404 (a dead link is not a 200), a live one 200", async () => {
      const uuid = "8f0d7a2e-4f7b-4d8e-9c3c-1d2e3f4a5b6c";
      for (const dead of [
        `/o/0x${"ab".repeat(32)}`,
        "/o/0x12",
        `/inferences/nope`,
        `/incidents/${uuid}`,
        `/disputes/${uuid}`,
      ]) {
        const res = await fetch(`${appUrl}${dead}`);
        expect(res.status, dead).toBe(404);
        expect(await res.text()).toMatch(/Nothing here/);
      }
      for (const live of [`/o/${outputHash}`, `/inferences/${encodeURIComponent(inferenceId)}`]) {
        expect((await fetch(`${appUrl}${live}`)).status, live).toBe(200);
      }
    });

    it("the download link serves the same bundle, and the inference permalink shows it too", async () => {
      await page.goto(`${appUrl}/inferences/${encodeURIComponent(inferenceId)}`);
      const link = page.getByRole("link", { name: "Download the evidence bundle (JSON)" });
      const href = await link.getAttribute("href");
      const res = await fetch(`${appUrl}${href}`);
      expect(res.headers.get("content-disposition")).toMatch(
        /attachment; filename="evidence-output-0x/,
      );
      const bundle = (await res.json()) as EvidenceBundle;
      expect(bundle.format).toBe("provenance.evidence-bundle");
      expect(bundle.outputs.map((o) => o.inferenceId)).toContain(inferenceId);
      const schema = await fetch(`${appUrl}/api/v1/schemas/evidence-bundle.json`);
      expect(((await schema.json()) as { title: string }).title).toBe("Provenance evidence bundle");
    });
  },
);
