import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";

/** The devnet OpenGradient chain's RPC url, from the stack's data directory. */
export function ogRpcUrl(dataDir: string): string {
  const file = JSON.parse(fs.readFileSync(path.join(dataDir, "devnet", "sources.json"), "utf8"));
  // The file is an array of rows, or { sources, agents } (the devnet's form).
  const sources = (Array.isArray(file) ? file : file.sources) as {
    chainId: number;
    rpcUrl: string;
  }[];
  return sources.find((s) => s.chainId === 10740)!.rpcUrl;
}

/**
 * A page in its own browser context; with `account`, wagmi's mock connector holds it (anvil
 * signs for it, through `rpcUrl`). Contexts are pushed to `contexts` for closing.
 */
export async function walletPage(
  browser: Browser,
  contexts: BrowserContext[],
  wallet?: { account: string; rpcUrl: string },
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  if (wallet) {
    await context.addInitScript(({ account, rpcUrl }) => {
      window.__PROVENANCE_MOCK_WALLET__ = { accounts: [account as `0x${string}`], rpcUrl };
    }, wallet);
  }
  return context.newPage();
}

/** Signs in from the top bar with the test wallet, on whatever page is open. */
export async function signInWithTestWallet(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: /test wallet/ }).click();
  await page.getByTestId("signed-in-address").waitFor({ timeout: 20_000 });
}
