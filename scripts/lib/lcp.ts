import { spawn } from "node:child_process";
import path from "node:path";
import { chromium } from "playwright-core";
import { findFreePort } from "@/lib/net";
import { ensureBuilt } from "./build";

/**
 * The model timeline page's largest contentful paint, measured in real Chromium against a
 * production build served on `databaseUrl`: a fresh page per load, LCP from the browser's
 * own PerformanceObserver.
 */
export async function measureLcp(args: { databaseUrl: string; model: string; loads: number }) {
  await ensureBuilt({ onStart: () => console.log("\nbuilding the dashboard (sources changed)…") });
  const port = await findFreePort();
  const server = spawn(process.execPath, ["--import", "tsx", path.join("scripts", "serve.ts")], {
    stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env,
      DATABASE_URL: args.databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
    },
  });
  const base = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless", "--disable-gpu"],
  });
  try {
    for (
      let i = 0;
      i < 240 &&
      !(await fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 250));
    }
    const url = `${base}/models/${encodeURIComponent(args.model)}`;
    const times: number[] = [];
    for (let i = 0; i <= args.loads; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(url, { waitUntil: "load" });
      const lcp = await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            new PerformanceObserver((list) => {
              const entries = list.getEntries();
              resolve(entries[entries.length - 1]!.startTime);
            }).observe({ type: "largest-contentful-paint", buffered: true });
          }),
      );
      await page.close();
      if (i > 0) times.push(lcp); // the first load warms the server
    }
    times.sort((a, b) => a - b);
    return { loads: times.length, p50: times[Math.floor(times.length / 2)]!, max: times.at(-1)! };
  } finally {
    await browser.close();
    server.kill("SIGTERM");
  }
}
