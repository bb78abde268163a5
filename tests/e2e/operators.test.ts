import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { StoryManifest } from "@/lib/devnet/scenario";
import { formatOpg } from "@/lib/web/format";
import { seriousAxeViolations } from "../helpers/axe";
import { browserAvailable, launchBrowser } from "../helpers/browser";
import { TEST_ADMIN, TEST_OPERATOR, TEST_VIEWER } from "../helpers/test-wallets";
import { v110BlastAnswer } from "../helpers/story-answer-key";
import { ogRpcUrl, signInWithTestWallet, walletPage } from "../helpers/wallet-browser";

const GPT = "llm:openai/gpt-4.1";
const XSS = `<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> v1.1.0 gave wrong answers`;

describe.skipIf(!browserAvailable())("operators mark the v1.1.0 rollback in Chromium", () => {
  const appUrl = inject("appUrl");
  let browser: Browser;
  let manifest: StoryManifest;
  let ogRpc: string;
  const contexts: BrowserContext[] = [];

  const walletPageFor = (account: string) =>
    walletPage(browser, contexts, { account, rpcUrl: ogRpc });

  async function signIn(page: Page) {
    await page.goto(`${appUrl}/incidents`);
    await signInWithTestWallet(page);
  }

  beforeAll(async () => {
    const dataDir = inject("dataDir");
    manifest = JSON.parse(
      fs.readFileSync(path.join(dataDir, "devnet", "story", "manifest.json"), "utf8"),
    );
    ogRpc = ogRpcUrl(dataDir);
    browser = await launchBrowser();
    // The indexer proposes the incidents once it has linked the revocation.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await fetch(`${appUrl}/api/v1/incidents?status=proposed`);
      const { incidents } = (await res.json()) as { incidents: unknown[] };
      if (incidents.length === 2) break;
      if (Date.now() > deadline) throw new Error("No incident was proposed from the revocation.");
      await new Promise((r) => setTimeout(r, 1000));
    }
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
  });

  it("an admin makes a signed-in viewer an operator, who confirms the rollback and sees its blast radius", async () => {
    const operator = await walletPageFor(TEST_OPERATOR);
    await signIn(operator);
    expect(await operator.getByText("viewer", { exact: true }).count()).toBe(1);

    const admin = await walletPageFor(TEST_ADMIN);
    await signIn(admin);
    await admin.getByRole("link", { name: "Roles" }).click();
    await admin.waitForURL(/\/users$/);
    await admin.getByLabel(`Role of ${TEST_OPERATOR.toLowerCase()}`).selectOption("operator");
    await admin.waitForLoadState("networkidle");

    await operator.reload();
    await operator.getByText("operator", { exact: true }).waitFor();
    await operator.goto(`${appUrl}/incidents?status=proposed`);
    await operator.getByRole("row").filter({ hasText: GPT }).getByRole("link").first().click();
    await operator.getByRole("link", { name: "Review and confirm" }).click();
    await operator.getByLabel("Reason").fill(XSS);
    await operator.getByLabel(/Evidence links/).fill("javascript:alert(1)");
    await operator.getByRole("button", { name: "Review the statement" }).click();
    expect(await operator.getByTestId("form-error").innerText()).toMatch(
      /evidenceLinks\[0\]: must be an http/,
    );
    await operator.getByLabel(/Evidence links/).fill("https://status.example.org/v1.1.0");
    await operator.getByRole("button", { name: "Review the statement" }).click();
    await operator.getByRole("button", { name: /Sign with wallet/ }).click();
    await Promise.race([
      operator.waitForURL(/\/incidents\/[0-9a-f-]{36}$/, { timeout: 30_000 }),
      operator
        .getByTestId("form-error")
        .waitFor({ timeout: 30_000 })
        .then(async () => {
          throw new Error(
            `Signing failed: ${await operator.getByTestId("form-error").innerText()}`,
          );
        }),
    ]);

    const expected = v110BlastAnswer(manifest, GPT);
    const counts = await operator.getByTestId("blast-counts").innerText();
    const depths = Object.entries(expected.actionsByDepth)
      .map(([d, n]) => `level ${d}: ${n}`)
      .join(", ");
    expect(counts).toContain(`Inferences in the window\n${expected.affected}`);
    expect(counts).toContain(`Stale records after the rollback\n${expected.stale}`);
    expect(counts).toContain(`Settlements\n${expected.settlements}`);
    expect(counts).toContain(`Payments\n${expected.payments}`);
    expect(counts).toContain(`${formatOpg(expected.paymentTotal)} OPG in total`);
    expect(counts).toContain(depths);
    expect(depths).toContain("level 3:");
    expect(expected.stale).toBeGreaterThan(0);
    expect(await operator.getByText("signature verified").count()).toBe(1);

    // Script in a text field is shown as text, never run.
    expect(await operator.getByTestId("incident-reason").innerText()).toBe(XSS);
    expect(await operator.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();

    // The tables page from the API; the graph is collapsible.
    await operator.getByRole("tab", { name: /Stale records/ }).click();
    await expect
      .poll(() => operator.getByRole("tabpanel").getByRole("row").count(), { timeout: 15_000 })
      .toBe(expected.stale + 1);
    const csv = await operator.request.get(
      `${operator.url().replace(/\/incidents\//, "/api/v1/incidents/")}/blast-radius/export?format=csv`,
    );
    expect((await csv.text()).trim().split("\r\n").length).toBe(
      1 +
        expected.affected +
        expected.stale +
        expected.settlements +
        expected.payments +
        Object.values(expected.actionsByDepth).reduce((a, b) => a + b, 0),
    );
    expect(await seriousAxeViolations(operator)).toEqual([]);

    await operator.goto(`${appUrl}/audit`);
    await operator.getByRole("button", { name: "Verify the chain" }).click();
    await operator.getByText(/^Verified: /).waitFor({ timeout: 20_000 });
    expect(await operator.getByRole("row").filter({ hasText: "incident.confirm" }).count()).toBe(1);
  });

  it("a viewer can review but not sign, and a cross-site POST changes nothing", async () => {
    const viewer = await walletPageFor(TEST_VIEWER);
    await signIn(viewer);
    await viewer.goto(`${appUrl}/incidents/new`);
    await expect
      .poll(() => viewer.getByTestId("role-notice").innerText(), { timeout: 15_000 })
      .toMatch(/operator role; you are viewer/);
    const before = (await (await fetch(`${appUrl}/api/v1/incidents`)).json()).incidents.length;
    // A page on another origin (same host, another port: the same "site", so SameSite=Lax
    // still sends the cookie) submits a form to the API: the Origin check refuses it.
    const evil = http.createServer((_req, res) => {
      res.setHeader("Content-Type", "text/html");
      res.end(
        `<form method="post" action="${appUrl}/api/v1/incidents" enctype="text/plain">` +
          `<input name='{"statement":{},"signature":"0x00","x":"' value='"}'></form>` +
          `<script>document.forms[0].submit()</script>`,
      );
    });
    await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
    const { port } = evil.address() as AddressInfo;
    const answer = viewer.waitForResponse((r) => r.url().endsWith("/api/v1/incidents"));
    await viewer.goto(`http://127.0.0.1:${port}/`);
    const response = await answer;
    expect(response.status()).toBe(403);
    expect(await response.text()).toMatch(/Cross-site request refused/);
    evil.close();
    const after = (await (await fetch(`${appUrl}/api/v1/incidents`)).json()).incidents.length;
    expect(after).toBe(before);
  });
});
