import crypto from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { parseEnv } from "@/lib/env";
import { findFreePort } from "@/lib/net";
import { startDashboard } from "@/scripts/lib/stack";
import { seriousAxeViolations } from "../helpers/axe";
import { browserAvailable, launchBrowser } from "../helpers/browser";
import { TEST_ADMIN } from "../helpers/test-wallets";
import { ogRpcUrl, signInWithTestWallet, walletPage } from "../helpers/wallet-browser";

describe.skipIf(!browserAvailable())("share links on a private deployment, in Chromium", () => {
  const appUrl = inject("appUrl");
  let privateUrl: string;
  let stopPrivate: (() => Promise<void>) | undefined;
  let browser: Browser;
  let pool: pg.Pool;
  let ogRpc: string;
  let outputs: [string, string];
  const contexts: BrowserContext[] = [];

  const newPage = (account?: string) =>
    walletPage(browser, contexts, account ? { account, rpcUrl: ogRpc } : undefined);

  /** Opens a page on the private server and answers its HTTP status. */
  async function open(page: Page, pathAndQuery: string): Promise<number> {
    const response = await page.goto(`${privateUrl}${pathAndQuery}`);
    return response!.status();
  }

  beforeAll(async () => {
    const dataDir = inject("dataDir");
    ogRpc = ogRpcUrl(dataDir);
    pool = new pg.Pool({ connectionString: inject("databaseUrl"), max: 2 });
    // Two distinct indexed outputs from the story (the indexer may still be linking).
    const deadline = Date.now() + 120_000;
    for (;;) {
      const res = await fetch(`${appUrl}/api/v1/inferences?limit=50`);
      const { items } = (await res.json()) as { items?: { outputHash: string }[] };
      const hashes = [...new Set((items ?? []).map((i) => i.outputHash))];
      if (hashes.length >= 2) {
        outputs = [hashes[0]!, hashes[1]!];
        break;
      }
      if (Date.now() > deadline) throw new Error("The story's inferences were not indexed.");
      await new Promise((r) => setTimeout(r, 1000));
    }
    const port = await findFreePort();
    const env = parseEnv({
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_READ: "false",
      ADMIN_ADDRESSES: TEST_ADMIN,
    });
    const dashboard = await startDashboard({
      env,
      dataDir,
      port,
      databaseUrl: inject("databaseUrl"),
    });
    privateUrl = dashboard.appUrl;
    stopPrivate = dashboard.stop;
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await stopPrivate?.();
    await pool?.end();
  });

  it("an anonymous visitor of the private deployment gets a clear page and no data", async () => {
    const page = await newPage();
    for (const where of ["/", "/models", `/o/${outputs[0]}`, "/audit"]) {
      expect(await open(page, where), where).toBe(401);
      await page.getByRole("heading", { name: "This deployment is private" }).waitFor();
      expect(await page.getByTestId("signature-status").count()).toBe(0);
    }
    const api = await fetch(`${privateUrl}/api/v1/outputs/${outputs[0]}`);
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: "private", message: /sign in/ });
    // Sign-in stays open.
    expect((await fetch(`${privateUrl}/api/v1/auth/session`)).status).toBe(200);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it("signing in on the private deployment's refusal page opens it", async () => {
    const page = await newPage(TEST_ADMIN);
    expect(await open(page, `/o/${outputs[1]}`)).toBe(401);
    await signInWithTestWallet(page);
    await page.getByTestId("signature-status").first().waitFor();
    expect(await open(page, "/audit")).toBe(200);
  });

  it("an auditor shares one output; the link opens it (and only it) until revoked", async () => {
    // The admin (auditor and more) creates the link on the public deployment's page.
    const admin = await newPage(TEST_ADMIN);
    await admin.goto(`${appUrl}/o/${outputs[0]}`);
    await signInWithTestWallet(admin);
    const panel = admin.getByTestId("share-panel");
    await panel.getByLabel("Expires after").selectOption({ label: "1 day" });
    await panel.getByRole("button", { name: "Create link" }).click();
    const shared = new URL(await panel.getByTestId("share-url").inputValue());
    const token = shared.searchParams.get("share")!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(shared.pathname).toBe(`/o/${outputs[0]}`);
    await panel.getByTestId("share-links").getByText("active").waitFor();
    expect(await seriousAxeViolations(admin)).toEqual([]);

    // Anonymous, on the private deployment: the output renders and hydrates.
    const visitor = await newPage();
    expect(await open(visitor, `${shared.pathname}${shared.search}`)).toBe(200);
    await visitor.getByTestId("share-banner").waitFor();
    expect(await visitor.getByTestId("share-banner").innerText()).toMatch(
      /^Shared read-only link — expires \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/,
    );
    expect(await visitor.getByTestId("signature-status").count()).toBeGreaterThan(0);
    // Hydrated: the live indicator is a client component that reads the address.
    await visitor.locator('[data-live-state="shared"]').waitFor();
    expect(await visitor.getByTestId("share-panel").count()).toBe(0);
    // Its API twin answers with the token as a header, as the page's own calls send it.
    const apiOk = await fetch(`${privateUrl}/api/v1/outputs/${outputs[0]}`, {
      headers: { "X-Share-Token": token },
    });
    expect(apiOk.status).toBe(200);

    // The same token anywhere else: a 403 page naming what it does open, without data.
    for (const where of [`/o/${outputs[1]}`, "/models", "/audit", "/api/v1/inferences"]) {
      const url = `${where}?share=${token}`;
      if (where.startsWith("/api/")) {
        const res = await fetch(`${privateUrl}${url}`);
        expect(res.status, where).toBe(403);
        expect(await res.json()).toMatchObject({ error: "out_of_scope" });
        continue;
      }
      expect(await open(visitor, url), where).toBe(403);
      expect(await visitor.getByTestId("access-message").innerText()).toMatch(
        /^This link only opens output 0x/,
      );
      expect(await visitor.getByTestId("signature-status").count()).toBe(0);
      expect(await visitor.getByTestId("share-banner").count()).toBe(0);
    }
    // The 403 page links back to what the token opens.
    await visitor.getByRole("link", { name: /^Open output 0x/ }).click();
    await visitor.getByTestId("share-banner").waitFor();

    // Revoked from the panel: the next request is refused with a 410 page.
    await admin
      .getByRole("button", { name: /^Revoke the link created/ })
      .first()
      .click();
    await admin.getByTestId("share-links").getByText("revoked").first().waitFor();
    expect(await open(visitor, `${shared.pathname}${shared.search}`)).toBe(410);
    expect(await visitor.getByTestId("access-message").innerText()).toMatch(
      /^This link was revoked on \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\.$/,
    );
    expect(await visitor.getByTestId("signature-status").count()).toBe(0);
  });

  it("an incident link opens the incident page read-only, and its blast radius reads", async () => {
    const deadline = Date.now() + 120_000;
    let incidentId: string | undefined;
    while (!incidentId) {
      const res = await fetch(`${appUrl}/api/v1/incidents?status=proposed`);
      incidentId = ((await res.json()) as { incidents: { id: string }[] }).incidents[0]?.id;
      if (!incidentId && Date.now() > deadline) throw new Error("No incident was proposed.");
      if (!incidentId) await new Promise((r) => setTimeout(r, 1000));
    }
    const admin = await newPage(TEST_ADMIN);
    await admin.goto(`${appUrl}/incidents/${incidentId}`);
    await signInWithTestWallet(admin);
    const panel = admin.getByTestId("share-panel");
    await panel.getByLabel("Expires after").selectOption({ label: "1 hour" });
    await panel.getByRole("button", { name: "Create link" }).click();
    const shared = new URL(await panel.getByTestId("share-url").inputValue());
    const token = shared.searchParams.get("share")!;
    expect(shared.pathname).toBe(`/incidents/${incidentId}`);

    const visitor = await newPage();
    expect(await open(visitor, `${shared.pathname}${shared.search}`)).toBe(200);
    await visitor.getByTestId("share-banner").waitFor();
    await visitor.getByRole("heading", { name: /^Rollback of / }).waitFor();
    // Write controls are hidden on a shared page.
    expect(await visitor.getByRole("link", { name: "Review and confirm" }).count()).toBe(0);
    expect(await visitor.getByTestId("share-panel").count()).toBe(0);
    const headers = { "X-Share-Token": token };
    const blast = await fetch(`${privateUrl}/api/v1/incidents/${incidentId}/blast-radius`, {
      headers,
    });
    expect(blast.status).toBe(200);
    const others = await fetch(`${privateUrl}/api/v1/incidents`, { headers });
    expect(others.status).toBe(403);
    const recompute = await fetch(`${privateUrl}/api/v1/incidents/${incidentId}/blast-radius`, {
      method: "POST",
      headers: { ...headers, Origin: privateUrl },
    });
    expect(recompute.status).toBe(403);
    expect(await recompute.json()).toMatchObject({ error: "read_only" });
  });

  it("a dispute link opens the dispute read-only with its bundle, and not its output", async () => {
    const admin = await newPage(TEST_ADMIN);
    await admin.goto(`${appUrl}/o/${outputs[1]}`);
    await signInWithTestWallet(admin);
    const opened = await admin.evaluate(async (outputHash) => {
      const res = await fetch("/api/v1/disputes", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ outputHash, reason: "Shared with the counterparty." }),
      });
      return (await res.json()) as { dispute: { id: string } };
    }, outputs[1]);
    const id = opened.dispute.id;
    await admin.goto(`${appUrl}/disputes/${id}`);
    const panel = admin.getByTestId("share-panel");
    await panel.getByLabel("Expires after").selectOption({ label: "1 day" });
    await panel.getByRole("button", { name: "Create link" }).click();
    const shared = new URL(await panel.getByTestId("share-url").inputValue());
    expect(shared.pathname).toBe(`/disputes/${id}`);
    const token = shared.searchParams.get("share")!;

    const visitor = await newPage();
    expect(await open(visitor, `${shared.pathname}${shared.search}`)).toBe(200);
    await visitor.getByTestId("share-banner").waitFor();
    await visitor.getByText("Shared with the counterparty.").first().waitFor();
    expect(await visitor.getByRole("button", { name: /comment/i }).count()).toBe(0);
    await visitor.getByRole("button", { name: "Verify in your browser" }).click();
    expect(await visitor.getByTestId("verify-summary").innerText()).toMatch(
      /^All \d+ checkable claims pass/,
    );
    const href = await visitor
      .getByRole("link", { name: "Download the evidence bundle (JSON)" })
      .getAttribute("href");
    expect(href).toBe(`/api/v1/disputes/${id}/bundle?share=${token}`);
    const bundle = await fetch(`${privateUrl}${href}`);
    expect(bundle.status).toBe(200);
    expect(((await bundle.json()) as { subject: { id: string } }).subject.id).toBe(id);
    // The dispute's own output is another scope.
    expect(await open(visitor, `/o/${outputs[1]}?share=${token}`)).toBe(403);
    expect(await visitor.getByTestId("signature-status").count()).toBe(0);
  });

  it("an expired link answers a 410 page, and a made-up one a 404 page", async () => {
    const token = crypto.randomBytes(32).toString("base64url");
    await pool.query(
      `INSERT INTO share_link (token_hash, scope_type, scope_id, created_by, expires_at)
       VALUES ($1, 'output', $2, $3, '2026-01-02T03:04:05Z')`,
      [
        `0x${crypto.createHash("sha256").update(token).digest("hex")}`,
        outputs[0],
        TEST_ADMIN.toLowerCase(),
      ],
    );
    const visitor = await newPage();
    expect(await open(visitor, `/o/${outputs[0]}?share=${token}`)).toBe(410);
    expect(await visitor.getByTestId("access-message").innerText()).toBe(
      "This link expired on 2026-01-02 03:04:05 UTC.",
    );
    expect(await visitor.getByTestId("signature-status").count()).toBe(0);
    const madeUp = crypto.randomBytes(32).toString("base64url");
    expect(await open(visitor, `/o/${outputs[0]}?share=${madeUp}`)).toBe(404);
    await visitor.getByRole("heading", { name: "This link is not valid" }).waitFor();
  });
});
