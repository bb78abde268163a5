import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Where Chromium is expected: CHROMIUM_PATH, else Debian's package. */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
}

/**
 * Whether browser tests can run. Outside CI a missing browser skips them with a printed
 * line; with CI=true it is a failure, because CI installs Chromium.
 */
export function browserAvailable(): boolean {
  if (existsSync(chromiumPath())) return true;
  if (process.env.CI === "true") {
    throw new Error(`CI=true but no Chromium at ${chromiumPath()}: install Debian's chromium.`);
  }
  console.log(`Browser tests skipped: no Chromium at ${chromiumPath()} (set CHROMIUM_PATH).`);
  return false;
}

/** Launches the real Chromium with the flags this machine needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: FLAGS, headless: true });
}
