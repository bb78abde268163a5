import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { InferencePage } from "@/lib/api/schemas/inferences";
import { seriousAxeViolations } from "../helpers/axe";
import { browserAvailable, launchBrowser } from "../helpers/browser";
import { TEST_ADMIN, TEST_VIEWER } from "../helpers/test-wallets";
import { ogRpcUrl, signInWithTestWallet, walletPage } from "../helpers/wallet-browser";

/**
 * Anvil's default accounts 3 and 4 (anvil signs for them): an auditor and an operator of
 * their own, so this file leaves the operators test's wallets as it found them.
 */
const AUDITOR = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
const OPERATOR = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
const REASON = "The answer contradicts the **reference**; see https://example.org/ref";
const COMMENT = `**Confirmed** on a second run. <script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> cc @${OPERATOR}`;

describe.skipIf(!browserAvailable())("disputes in Chromium", () => {
  const appUrl = inject("appUrl");
  let browser: Browser;
  let ogRpc: string;
  let outputHash: string;
  let disputeUrl: string;
  const contexts: BrowserContext[] = [];
  const pages = {} as Record<"admin" | "auditor" | "operator" | "viewer", Page>;

  const walletPageFor = (account: string) =>
    walletPage(browser, contexts, { account, rpcUrl: ogRpc });

  async function signedIn(account: string): Promise<Page> {
    const page = await walletPageFor(account);
    await page.goto(`${appUrl}/disputes`);
    await signInWithTestWallet(page);
    return page;
  }

  /** Rows of the disputes list holding `text`, once the list (not its loading state) is shown. */
  async function listRows(page: Page, text: string) {
    await page.getByRole("navigation", { name: "Counts by status" }).waitFor();
    return page.getByRole("row").filter({ hasText: text });
  }

  /** The admin grants a role through the API, from its own page (same origin, its cookie). */
  async function grant(address: string, role: string) {
    const status = await pages.admin.evaluate(
      async ({ address, role }) =>
        (
          await fetch(`/api/v1/users/${address}/role`, {
            method: "PUT",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ role }),
          })
        ).status,
      { address, role },
    );
    expect(status).toBe(200);
  }

  beforeAll(async () => {
    const dataDir = inject("dataDir");
    ogRpc = ogRpcUrl(dataDir);
    browser = await launchBrowser();
    // The story's evidence is indexed by the time the stack is up; wait for one inference.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const page = (await (
        await fetch(`${appUrl}/api/v1/inferences?limit=1`)
      ).json()) as InferencePage;
      if (page.items[0]) {
        outputHash = page.items[0].outputHash;
        break;
      }
      if (Date.now() > deadline) throw new Error("No inference was indexed from the story.");
      await new Promise((r) => setTimeout(r, 1000));
    }
    pages.admin = await signedIn(TEST_ADMIN);
    pages.auditor = await signedIn(AUDITOR);
    pages.operator = await signedIn(OPERATOR);
    pages.viewer = await signedIn(TEST_VIEWER);
    await grant(AUDITOR, "auditor");
    await grant(OPERATOR, "operator");
  }, 240_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
  });

  it("an auditor opens a dispute on an output and comments in markdown; script stays text, the mention links", async () => {
    const auditor = pages.auditor;
    await auditor.goto(`${appUrl}/o/${outputHash}`);
    await auditor.getByRole("heading", { name: "Disputes" }).waitFor();
    await auditor.getByLabel("Reason").fill(REASON);
    await auditor.getByRole("button", { name: "Open a dispute" }).click();
    await auditor.waitForURL(/\/disputes\/[0-9a-f-]{36}$/, { timeout: 20_000 });
    disputeUrl = auditor.url();
    const thread = auditor.getByTestId("dispute-thread");
    await thread.waitFor();
    expect(await thread.locator("strong", { hasText: "reference" }).count()).toBe(1);
    expect(await thread.getByRole("link", { name: "https://example.org/ref" }).count()).toBe(1);

    await auditor.getByLabel("Comment").fill(COMMENT);
    await auditor.getByRole("button", { name: "Post comment" }).click();
    await thread.locator("li[data-kind=comment]").waitFor({ timeout: 20_000 });
    const comment = thread.locator("li[data-kind=comment]");
    expect(await comment.innerText()).toContain(
      `<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">`,
    );
    expect(await comment.locator("strong", { hasText: "Confirmed" }).count()).toBe(1);
    expect(await comment.locator("script, img").count()).toBe(0);
    expect(await auditor.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
    const mention = comment.locator("a[data-mention]");
    expect(await mention.getAttribute("href")).toBe(`/disputes?mentions=${OPERATOR.toLowerCase()}`);
    expect(await mention.innerText()).toBe(
      `@${OPERATOR.toLowerCase().slice(0, 6)}…${OPERATOR.toLowerCase().slice(-4)}`,
    );
    // An auditor comments but does not decide.
    expect(await auditor.getByTestId("role-notice").innerText()).toMatch(
      /operator role; you are auditor/,
    );
    expect(await auditor.getByRole("button", { name: "Change status" }).count()).toBe(0);
    expect(await seriousAxeViolations(auditor)).toEqual([]);

    await mention.click();
    await auditor.waitForURL(/\/disputes\?mentions=/);
    expect(await (await listRows(auditor, "The answer contradicts")).count()).toBe(1);
  });

  it("an operator takes it under review, then upholds it, each with a note", async () => {
    const operator = pages.operator;
    await operator.goto(disputeUrl);
    const status = operator.getByTestId("dispute-status");
    expect(await status.innerText()).toBe("open");
    await operator.getByLabel("New status").selectOption("under_review");
    await operator.getByLabel("Note on the change (required)").fill("Re-running the request.");
    await operator.getByRole("button", { name: "Change status" }).click();
    await expect.poll(() => status.innerText(), { timeout: 20_000 }).toBe("under review");
    await operator.getByLabel("New status").selectOption("upheld");
    await operator.getByLabel("Note on the change (required)").fill("Reproduced: *wrong* answer.");
    await operator.getByRole("button", { name: "Change status" }).click();
    await expect.poll(() => status.innerText(), { timeout: 20_000 }).toBe("upheld");
    const changes = operator.getByTestId("dispute-thread").locator("li[data-kind=status_change]");
    expect(await changes.count()).toBe(2);
    expect(await changes.nth(1).innerText()).toMatch(
      /from under review to upheld[\s\S]*Reproduced: wrong answer\./,
    );
    expect(await changes.nth(1).locator("em").innerText()).toBe("wrong");
    // The thread is in the audit log.
    const audit = operator.locator("section[aria-labelledby=audit-title]");
    expect(await audit.innerText()).toMatch(
      /dispute\.open[\s\S]*dispute\.comment[\s\S]*dispute\.status[\s\S]*dispute\.status/,
    );
  });

  it("a viewer reads the thread but gets no write form, and the list filters by status", async () => {
    const viewer = pages.viewer;
    await viewer.goto(disputeUrl);
    await viewer.getByTestId("dispute-thread").waitFor();
    expect(await viewer.getByRole("button", { name: "Post comment" }).count()).toBe(0);
    expect(await viewer.getByRole("button", { name: "Change status" }).count()).toBe(0);
    expect(await viewer.getByRole("button", { name: /link incident/i }).count()).toBe(0);
    const notices = await viewer.getByTestId("role-notice").allInnerTexts();
    expect(notices).toEqual([
      expect.stringMatching(/auditor role; you are viewer/),
      expect.stringMatching(/operator role; you are viewer/),
    ]);
    await viewer.goto(`${appUrl}/o/${outputHash}`);
    await viewer.getByRole("heading", { name: "Disputes" }).waitFor();
    expect(await viewer.getByRole("button", { name: "Open a dispute" }).count()).toBe(0);
    expect(await viewer.getByRole("link", { name: /The answer contradicts/ }).count()).toBe(1);

    await viewer.goto(`${appUrl}/disputes?status=upheld`);
    const row = await listRows(viewer, "The answer contradicts");
    expect(await row.count()).toBe(1);
    expect(await row.getByTestId("dispute-status").innerText()).toBe("upheld");
    expect(await seriousAxeViolations(viewer)).toEqual([]);
    await viewer.goto(`${appUrl}/disputes?status=open`);
    expect(await (await listRows(viewer, "The answer contradicts")).count()).toBe(0);

    // A bad or unknown id shows the not-found page (the status is already sent while streaming).
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-an-id"]) {
      await viewer.goto(`${appUrl}/disputes/${id}`);
      await expect
        .poll(() => viewer.getByRole("heading", { level: 1 }).innerText(), { timeout: 15_000 })
        .toBe("Nothing here");
    }
  });
});
