import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { StoryManifest } from "@/lib/devnet/scenario";
import { enclaveOf } from "@/lib/devnet/scenario/story-actors";
import { signTeeResponse } from "@/lib/devnet/scenario/tee-signer";
import { seriousAxeViolations } from "../helpers/axe";
import { browserAvailable, launchBrowser } from "../helpers/browser";

const GPT = "llm:openai/gpt-4.1";
const timelineUrl = (query = "") => `/models/${encodeURIComponent(GPT)}${query ? `?${query}` : ""}`;

describe.skipIf(!browserAvailable())("timelines and provenance pages in Chromium", () => {
  const appUrl = inject("appUrl");
  let browser: Browser;
  let page: Page;
  let manifest: StoryManifest;

  beforeAll(async () => {
    manifest = JSON.parse(
      fs.readFileSync(path.join(inject("dataDir"), "devnet", "story", "manifest.json"), "utf8"),
    );
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // The indexer may still be linking the story when this file starts.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await fetch(`${appUrl}/api/v1/findings?kind=stale_after_rollback`);
      const body = (await res.json()) as { groups?: { kind: string; open: number }[] };
      const open = body.groups?.find((g) => g.kind === "stale_after_rollback")?.open ?? 0;
      if (open === manifest.faults.staleAfterRollback.length) break;
      if (Date.now() > deadline)
        throw new Error(`The story was not linked in 2 min (${open} stale).`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("lists the models with their live version and open findings", async () => {
    await page.goto(`${appUrl}/models`);
    const row = page.getByRole("row").filter({ hasText: GPT });
    expect(await row.innerText()).toMatch(/v1\.0\.0 · live/);
    await row.getByRole("link", { name: GPT }).click();
    await page.waitForURL(/\/models\/llm%3Aopenai%2Fgpt-4\.1$/);
  });

  it("shows the v1.1.0 band ending at the rollback, with the rollback window shaded", async () => {
    await page.goto(`${appUrl}${timelineUrl()}`);
    const band = page.locator('[data-version-band="v1.1.0"]');
    await band.waitFor();
    const end = Date.parse((await band.getAttribute("data-band-to"))!);
    expect(Math.abs(end - manifest.rollbackTime * 1000)).toBeLessThan(60_000);
    expect(await page.locator('[data-rollback-window="v1.1.0"]').innerText()).toMatch(
      /Rollback window: v1\.1\.0 served from .* until /,
    );
    // The chart's text summary says the same in words.
    expect(await page.getByTestId("timeline-summary").innerText()).toMatch(
      /Rollback windows: v1\.1\.0 served from .* until its rollback at/,
    );
  });

  it("re-renders as of an earlier time when the scrubber moves, and keeps it in the URL", async () => {
    await page.goto(`${appUrl}${timelineUrl()}`);
    const slider = page.getByRole("slider", { name: "As of" });
    await slider.focus();
    await page.keyboard.press("Home");
    await page.waitForURL(/asOf=/);
    await expect
      .poll(() => page.getByTestId("timeline-summary").innerText())
      .toMatch(/^As of .* No rollback windows\./);
    expect(await page.locator('[data-version-band="v1.1.0"]').count()).toBe(0);
    // The shared link opens the same view: mid-rollout, v1.1.0 is live with no end known.
    const mid = new Date(((manifest.rolloutTime + manifest.rollbackTime) / 2) * 1000).toISOString();
    await page.goto(`${appUrl}${timelineUrl(`asOf=${mid}`)}`);
    expect(await page.locator('[data-version-band="v1.1.0"]').getAttribute("data-band-to")).toBe(
      "",
    );
    expect(await page.getByTestId("timeline-summary").innerText()).toMatch(/Live then: .*v1\.1\.0/);
  });

  it("moves through the inference table with the keyboard and opens one with Enter", async () => {
    await page.goto(`${appUrl}${timelineUrl()}`);
    const rows = page.locator("[data-row-index]");
    await rows.first().focus();
    await page.keyboard.press("ArrowDown");
    const second = await rows.nth(1).getAttribute("data-inference-id");
    expect(
      await page.evaluate(() => document.activeElement?.getAttribute("data-inference-id")),
    ).toBe(second);
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`/inferences/${second}$`));
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(`Inference ${second}`);
  });

  it("shows why a corrupted receipt's signature fails", async () => {
    await page.goto(`${appUrl}/o/${manifest.faults.corruptedSignatures[0]}`);
    expect(await page.getByTestId("signature-status").innerText()).toMatch(/invalid/);
    expect(await page.getByTestId("verification-reason").innerText()).toMatch(
      /^Reason: .*signature/,
    );
  });

  it("flags a record served after the rollback as stale, its version not live then", async () => {
    await page.goto(`${appUrl}/o/${manifest.faults.staleAfterRollback[0]}`);
    expect(await page.locator('[data-finding-kind="stale_after_rollback"]').innerText()).toMatch(
      /after its revocation/,
    );
    expect(await page.getByText("not live when it ran").count()).toBe(1);
  });

  it("labels how each payment was split: by per-request amount, or the equal-split fallback", async () => {
    const list = (await (await fetch(`${appUrl}/api/v1/inferences?limit=100`)).json()) as {
      items: { id: string; paid: string | null }[];
    };
    const byMethod = new Map<string, string>();
    for (const item of list.items.filter((i) => i.paid !== null)) {
      const detail = (await (await fetch(`${appUrl}/api/v1/inferences/${item.id}`)).json()) as {
        payments: { method: string }[];
      };
      for (const p of detail.payments) if (!byMethod.has(p.method)) byMethod.set(p.method, item.id);
    }
    expect([...byMethod.keys()]).toEqual(
      expect.arrayContaining(["per_request_amount", "session_equal_split"]),
    );
    for (const [method, text] of [
      ["per_request_amount", /Split by the gateway's per-request amounts/],
      ["session_equal_split", /Split in equal shares across the session \(fallback/],
    ] as const) {
      await page.goto(`${appUrl}/inferences/${byMethod.get(method)}`);
      const note = page.getByTestId("allocation-method").first();
      expect(await note.innerText()).toBe(method);
      expect(await page.getByRole("region", { name: "Payment" }).innerText()).toMatch(text);
    }
  });

  it("lands on the output's permalink when its hash is searched", async () => {
    const hash = manifest.faults.staleAfterRollback[0]!;
    await page.goto(`${appUrl}/models`);
    await page.getByRole("searchbox").fill(hash.slice(2));
    await page.keyboard.press("Enter");
    await page.waitForURL(new RegExp(`/o/${hash}$`));
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Output provenance");
  });

  it("groups findings by kind, each linking to its evidence", async () => {
    await page.goto(`${appUrl}/findings`);
    const stale = page.locator('[data-finding-group="stale_after_rollback"]');
    await stale.getByRole("listitem").first().waitFor();
    expect(await stale.getByRole("listitem").count()).toBe(
      Math.min(5, manifest.faults.staleAfterRollback.length),
    );
    await stale.getByRole("link", { name: "Evidence →" }).first().click();
    await page.waitForURL(/\/inferences\//);
  });

  it("shows a newly indexed request without a reload", async () => {
    await page.goto(`${appUrl}${timelineUrl()}`);
    await page.locator('[data-live-state="live"]').waitFor();
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const enclave = enclaveOf("A");
    const requestHash = crypto.randomBytes(32).toString("hex");
    const outputHash = crypto.randomBytes(32).toString("hex");
    // Newer than every story request, so it lands at the top of the list, inside the view.
    const latest = (await (
      await fetch(`${appUrl}/api/v1/inferences?model=${encodeURIComponent(GPT)}&limit=1`)
    ).json()) as { items: { occurredAt: string }[] };
    const timestamp = Math.floor(Date.parse(latest.items[0]!.occurredAt) / 1000) + 30;
    const receipt = {
      model: "openai/gpt-4.1",
      tee_signature: signTeeResponse({
        privateKeyPem: enclave.key.privateKeyPem,
        requestHash,
        outputHash,
        timestamp,
      }),
      tee_request_hash: requestHash,
      tee_output_hash: outputHash,
      tee_timestamp: timestamp,
      tee_id: enclave.teeId,
    };
    const res = await fetch(`${appUrl}/api/v1/receipts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(receipt),
    });
    expect(res.status).toBe(201);
    await page.locator(`[title="0x${outputHash}"]`).waitFor({ timeout: 30_000 });
    expect(
      await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
    ).toBe(true);
  });

  it.each([
    () => "/models",
    () => timelineUrl(),
    () => `/o/${manifest.faults.staleAfterRollback[0]}`,
    () => `/o/${manifest.faults.corruptedSignatures[0]}`,
    () => "/findings",
    () => "/findings?kind=bad_signature&status=all",
    () => `/search?q=${GPT.slice(4, 10)}`,
  ])("page %# has no serious or critical accessibility violations (axe-core)", async (route) => {
    await page.goto(`${appUrl}${route()}`, { waitUntil: "networkidle" });
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
