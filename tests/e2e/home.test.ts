import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { DEVNET_ENCLAVE_KEYS } from "@/lib/devnet/scenario/enclave-keys";
import { seriousAxeViolations } from "../helpers/axe";
import { browserAvailable, launchBrowser } from "../helpers/browser";

describe.skipIf(!browserAvailable())("home page in Chromium", () => {
  let browser: Browser;
  let page: Page;
  const appUrl = inject("appUrl");

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows both chains' head blocks read from their RPC endpoints", async () => {
    await page.goto(appUrl);
    const chains = page.getByRole("region", { name: "Chains" });
    const text = await chains.innerText();
    expect(text).toMatch(/OpenGradient EVM · id 10740/);
    expect(text).toMatch(/Base · id 8453/);
    expect(text.match(/Head block \d[\d,]*/g)?.length).toBe(2);
  });

  it("shows the indexer catching up with every source, live, without a reload", async () => {
    await page.goto(appUrl);
    const sync = page.getByRole("region", { name: "Indexer" });
    const bars = sync.getByRole("progressbar");
    // The indexer process may still be starting when the page first loads.
    await expect.poll(() => bars.count(), { timeout: 60_000 }).toBe(6);
    // The card polls /api/v1/status: the badge turns "in sync" on its own once indexed.
    await sync.getByText("in sync").waitFor({ timeout: 60_000 });
    for (const bar of await bars.all()) {
      expect(await bar.getAttribute("aria-valuetext")).toBe("100% indexed");
    }
  });

  it("shows the linker's last successful pass, the receipts it set aside, and its error in red", async () => {
    const pool = new pg.Pool({ connectionString: inject("databaseUrl"), max: 1 });
    const hash = () => `0x${crypto.randomBytes(32).toString("hex")}`;
    let receiptId: string | undefined;
    try {
      await page.goto(appUrl);
      const linker = page
        .getByRole("region", { name: "Indexer" })
        .getByRole("group", { name: "Linker" });
      await linker.getByText(/last successful pass \d{4}-/).waitFor({ timeout: 60_000 });
      // A receipt written past the API (base64 decode() refuses), from a registered enclave
      // (only those make inferences): the running indexer's next pass sets it aside, and the
      // card says so without a reload.
      receiptId = (
        await pool.query<{ id: string }>(
          `INSERT INTO receipt (raw, content_key, tee_id, request_hash, output_hash, tee_timestamp, signature, model)
           VALUES ('{}', $1, $2, $3, $4, 1763900000, 'QUJD=', 'e2e/linker-aside') RETURNING id`,
          [hash(), DEVNET_ENCLAVE_KEYS[0]!.teeId, hash(), hash()],
        )
      ).rows[0]!.id;
      await linker.getByText("1 receipt set aside").waitFor({ timeout: 60_000 });
      // A failing pass, as the linker records one.
      await pool.query(
        `UPDATE linker_health SET consecutive_failures = 2, last_error = 'Step payments failed: e2e check',
                last_error_at = now() WHERE id = 'linker'`,
      );
      const alert = linker.getByRole("alert");
      await alert.waitFor({ timeout: 10_000 });
      expect(await alert.innerText()).toMatch(
        /Failing, 2 passes in a row: Step payments failed: e2e check/,
      );
      expect(await alert.getAttribute("class")).toMatch(/text-rose-800/);
      expect(await page.getByRole("region", { name: "Indexer" }).innerText()).toContain(
        "linker failing",
      );
    } finally {
      await pool.query("UPDATE linker_health SET consecutive_failures = 0 WHERE id = 'linker'");
      if (receiptId) {
        await pool.query("DELETE FROM finding WHERE receipt_id = $1", [receiptId]);
        await pool.query("DELETE FROM receipt WHERE id = $1", [receiptId]);
      }
      await pool.end();
    }
  });

  it("shows the database as connected with a row count per table", async () => {
    await page.goto(appUrl);
    const db = page.getByRole("region", { name: "Database" });
    expect(await db.innerText()).toContain("connected");
    const rows = db.locator("tbody tr");
    expect(await rows.count()).toBeGreaterThan(20);
  });

  it("navigates with the keyboard to a section from the main menu", async () => {
    await page.goto(appUrl);
    await page.getByRole("link", { name: "Models" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/models$/);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Models");
  });

  it("answers an unknown address with the 404 page", async () => {
    const response = await page.goto(`${appUrl}/no/such/page`);
    expect(response?.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Nothing here");
  });

  it.each(["/", "/models", "/incidents", "/findings", "/audit", "/search?q=gpt"])(
    "%s has no serious or critical accessibility violations (axe-core)",
    async (route) => {
      await page.goto(`${appUrl}${route}`, { waitUntil: "networkidle" });
      expect(await seriousAxeViolations(page)).toEqual([]);
    },
  );
});
