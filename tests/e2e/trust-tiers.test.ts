import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { agentActionTypedData, NO_TX_HASH } from "@/lib/evidence/agent-action";
import { seriousAxeViolations } from "../helpers/axe";
import { browserAvailable, launchBrowser } from "../helpers/browser";
import { TEST_ADMIN } from "../helpers/test-wallets";
import { ogRpcUrl, signInWithTestWallet, walletPage } from "../helpers/wallet-browser";

// Note: the Claude incident, not GPT's: operators.test.ts counts the GPT blast radius exactly.
const CLAUDE = "llm:anthropic/claude-haiku-4-5";

describe.skipIf(!browserAvailable())("known and unknown agents in Chromium", () => {
  const appUrl = inject("appUrl");
  let browser: Browser;
  let admin: Page;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    const dataDir = inject("dataDir");
    admin = await walletPage(browser, contexts, {
      account: TEST_ADMIN,
      rpcUrl: ogRpcUrl(path.resolve(dataDir)),
    });
    await admin.goto(`${appUrl}/models`);
    await signInWithTestWallet(admin);
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
  });

  it("an admin reaches the agents page from the top bar, adds an agent and sees it listed", async () => {
    await admin
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Agents" })
      .click();
    await admin.waitForURL(/\/agents$/);
    // The devnet's sources config lists the story's three agents (labels editable by admins).
    const labels = admin.getByLabel(/^Label of 0x/);
    await labels.first().waitFor();
    const values = await Promise.all((await labels.all()).map((l) => l.inputValue()));
    expect(values).toEqual(
      expect.arrayContaining(
        [0, 1, 2].map((i) => `Story agent ${"ABC"[i]} (anvil account ${i + 5})`),
      ),
    );
    const address = privateKeyToAccount(generatePrivateKey()).address;
    const form = admin.getByRole("form", { name: "Add a known agent" });
    await form.getByLabel("Address").fill(address);
    await form.getByLabel("Label").fill("Browser-added rebalancer");
    await form.getByRole("button", { name: "Add agent" }).click();
    await admin.getByLabel(`Label of ${address.toLowerCase()}`).waitFor({ timeout: 15_000 });
    expect(await admin.getByLabel(`Label of ${address.toLowerCase()}`).inputValue()).toBe(
      "Browser-added rebalancer",
    );
    const agents = (await (await fetch(`${appUrl}/api/v1/agents`)).json()).agents as {
      address: string;
      origin: string;
    }[];
    expect(agents.find((a) => a.address === address.toLowerCase())?.origin).toBe("admin");
    expect(await seriousAxeViolations(admin)).toEqual([]);
  });

  it("the incident page shows unknown agents' actions apart from the known agents' headline", async () => {
    const { incidents } = (await (
      await fetch(`${appUrl}/api/v1/incidents?model=${encodeURIComponent(CLAUDE)}`)
    ).json()) as { incidents: { id: string; supersededById: string | null }[] };
    const incident = incidents.find((i) => i.supersededById === null)!;
    await admin.goto(`${appUrl}/incidents/${incident.id}`);
    await admin.getByRole("button", { name: "Recompute now" }).click();
    await admin.getByTestId("blast-counts").waitFor({ timeout: 30_000 });
    const known = await admin.getByTestId("blast-counts").innerText();

    // Three actions signed by a key nobody registered, citing reached outputs.
    const exported = await (
      await fetch(`${appUrl}/api/v1/incidents/${incident.id}/blast-radius/export`)
    ).json();
    const outputs = (exported.affected as { outputHash: string }[]).slice(0, 3);
    expect(outputs.length).toBeGreaterThan(0);
    const throwaway = privateKeyToAccount(generatePrivateKey());
    const at = Math.floor(Date.now() / 1000) - 60;
    const actions = await Promise.all(
      outputs.map(async (o, i) => {
        const message = {
          agent: throwaway.address,
          kind: "memory_write" as const,
          summary: `Unregistered bot ${i}`,
          citedOutputs: [o.outputHash as `0x${string}`],
          citedActions: [],
          txHash: NO_TX_HASH,
          occurredAt: BigInt(at + i),
        };
        const signature = await throwaway.signTypedData(agentActionTypedData(10740, message));
        return { chainId: 10740, action: { ...message, occurredAt: at + i }, signature };
      }),
    );
    const posted = await fetch(`${appUrl}/api/v1/agent-actions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ actions }),
    });
    expect(posted.status).toBe(201);

    await admin.getByRole("button", { name: "Recompute now" }).click();
    const unknown = admin.getByTestId("blast-unknown");
    await expect
      .poll(() => unknown.innerText(), { timeout: 30_000 })
      .toMatch(
        new RegExp(`Unknown agents: ${outputs.length} actions? by 1 agent, not counted above`),
      );
    // The headline is the known agents' count, as before the flood.
    const headline = (text: string) => /Agent actions \(known agents\)\n(\d+)/.exec(text)?.[1];
    expect(headline(await admin.getByTestId("blast-counts").innerText())).toBe(headline(known));
    await admin.getByRole("tab", { name: /Unknown agents' actions/ }).click();
    await expect
      .poll(() => admin.getByRole("tabpanel").getByText("unknown agent").count(), {
        timeout: 15_000,
      })
      .toBe(outputs.length);
  });
});
