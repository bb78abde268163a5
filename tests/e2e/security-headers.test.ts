import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { browserAvailable, launchBrowser } from "../helpers/browser";

const cspOf = (res: Response) => res.headers.get("content-security-policy") ?? "";
const nonceOf = (csp: string) => /'nonce-([^']+)'/.exec(csp)?.[1];

describe("security headers", () => {
  const appUrl = inject("appUrl");

  it("gives every page a CSP with its own nonce, which Next's scripts carry", async () => {
    const [first, second] = await Promise.all([fetch(appUrl), fetch(appUrl)]);
    for (const res of [first, second]) {
      expect(res.status).toBe(200);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      // Served over plain HTTP without a trusted proxy: no HSTS.
      expect(res.headers.get("strict-transport-security")).toBeNull();
      expect(cspOf(res)).toContain("frame-ancestors 'none'");
    }
    const nonce = nonceOf(cspOf(first));
    expect(nonce).toBeTruthy();
    expect(nonceOf(cspOf(second))).not.toBe(nonce);
    const html = await first.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  });

  it("puts the same headers, and a CSP that runs nothing, on API answers", async () => {
    for (const path of ["/api/v1/status", "/api/v1/no-such-route"]) {
      const res = await fetch(`${appUrl}${path}`);
      await res.arrayBuffer();
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
      expect(cspOf(res), path).toMatch(/^default-src 'none'; frame-ancestors 'none'/);
    }
  });

  it("sends no HSTS when a client only claims HTTPS, without a trusted proxy", async () => {
    // The e2e stack does not trust X-Forwarded-Proto (TRUST_PROXY is off): a client
    // claiming HTTPS over plain HTTP must not pin the host.
    const res = await fetch(appUrl, { headers: { "x-forwarded-proto": "https" } });
    await res.arrayBuffer();
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("puts them on the answers refused before Next sees the request", async () => {
    const res = await fetch(`${appUrl}/o/%zz`);
    await res.arrayBuffer();
    expect(res.status).toBe(400);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(cspOf(res)).toContain("frame-ancestors 'none'");
  });
});

describe.skipIf(!browserAvailable())("security headers in Chromium", () => {
  const appUrl = inject("appUrl");
  let browser: Browser;
  let page: Page;
  let site: http.Server;
  let siteUrl: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage();
    // Another origin (another port) that frames the app, and a page of its own as a control.
    site = http.createServer((req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      if (req.url === "/inner") return res.end("<p id=inner>the framing site's own page</p>");
      const src = req.url === "/control" ? "/inner" : `${appUrl}/users`;
      res.end(
        `<!doctype html><title>framing</title><iframe src="${src}" onload="document.title='frame loaded'"></iframe>`,
      );
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site?.close(resolve));
  });

  /** Loads the framing page and answers the frame, once its load has ended either way. */
  async function framed(path: string) {
    await page.goto(`${siteUrl}${path}`);
    // Note: a refused frame still fires "load" (on Chromium's error page).
    await page.waitForFunction(() => document.title === "frame loaded");
    const frame = page.frames().find((f) => f !== page.mainFrame());
    expect(frame).toBeDefined();
    return frame!;
  }

  it("refuses to be framed by a page on another origin", async () => {
    // Control: the same framing page shows a frame that may be framed.
    const control = await framed("/control");
    expect(await control.locator("#inner").textContent()).toBe("the framing site's own page");

    const frame = await framed("/");
    // The app's page never rendered inside: no skip link, no main, no nav.
    expect(await frame.locator("#main").count()).toBe(0);
    expect(await frame.getByText("Skip to content").count()).toBe(0);
    expect(frame.url()).not.toBe(`${appUrl}/users`);
  });

  it("does not run an inline script injected without the nonce, nor an inline handler", async () => {
    await page.goto(appUrl);
    await page.locator("#main").waitFor();
    // Control: a script carrying the page's own nonce does run.
    const nonced = await page.evaluate(() => {
      const nonce = document.querySelector<HTMLScriptElement>("script[nonce]")!.nonce;
      const ok = document.createElement("script");
      ok.nonce = nonce;
      ok.textContent = "window.__noncedScript = true";
      document.body.appendChild(ok);
      return (window as unknown as Record<string, unknown>).__noncedScript;
    });
    expect(nonced).toBe(true);

    // Each injection either runs at once (a failure, answered straight away) or is refused
    // with a CSP violation event naming the directive.
    const script = await page.evaluate(
      () =>
        new Promise<{ ran: unknown; directive?: string }>((resolve) => {
          document.addEventListener("securitypolicyviolation", (e) =>
            resolve({
              ran: (window as unknown as Record<string, unknown>).__injected,
              directive: e.effectiveDirective,
            }),
          );
          const el = document.createElement("script");
          el.textContent = "window.__injected = true";
          document.body.appendChild(el);
          const ran = (window as unknown as Record<string, unknown>).__injected;
          if (ran) resolve({ ran });
        }),
    );
    // Chromium names the effective directive script-src-elem, or script-src when it falls
    // back to it; either way the injected script did not run.
    expect(script).toEqual({
      ran: undefined,
      directive: expect.stringMatching(/^script-src(-elem)?$/),
    });

    const handler = await page.evaluate(
      () =>
        new Promise<{ ran: unknown; directive?: string }>((resolve) => {
          document.addEventListener("securitypolicyviolation", (e) =>
            resolve({
              ran: (window as unknown as Record<string, unknown>).__clicked,
              directive: e.effectiveDirective,
            }),
          );
          const holder = document.createElement("div");
          holder.innerHTML = `<button onclick="window.__clicked = true">x</button>`;
          document.body.appendChild(holder);
          holder.querySelector("button")!.click();
          const ran = (window as unknown as Record<string, unknown>).__clicked;
          if (ran) resolve({ ran });
        }),
    );
    expect(handler).toEqual({
      ran: undefined,
      directive: expect.stringMatching(/^script-src(-attr)?$/),
    });
  });
});
