import type { LocalAccount } from "viem";
import { createSiweMessage } from "viem/siwe";
import { callRoute } from "./route";

/** The origin in-process route calls are sent to (callRoute uses http://localhost). */
export const TEST_ORIGIN = "http://localhost";

type Handler = (request: Request, context: unknown) => Promise<Response>;

export interface SignInRoutes {
  nonce: { POST: Handler };
  signIn: { POST: Handler };
}

/** An EIP-4361 message for this app, as a wallet would be asked to sign it. */
export function siweMessage(
  account: LocalAccount,
  nonce: string,
  overrides: Partial<Parameters<typeof createSiweMessage>[0]> = {},
) {
  return createSiweMessage({
    domain: "localhost",
    address: account.address,
    statement: "Sign in to Provenance.",
    uri: TEST_ORIGIN,
    version: "1",
    chainId: 10740,
    nonce,
    issuedAt: new Date(),
    ...overrides,
  });
}

/** Signs in through the real routes; answers the session cookie ("name=value"). */
export async function signIn(routes: SignInRoutes, account: LocalAccount): Promise<string> {
  const headers = { origin: TEST_ORIGIN };
  const nonce = await callRoute(routes.nonce.POST, { headers, path: "/api/v1/auth/nonce" });
  const message = siweMessage(account, nonce.json.nonce as string);
  const signature = await account.signMessage({ message });
  const res = await callRoute(routes.signIn.POST, {
    headers,
    path: "/api/v1/auth/sign-in",
    body: { message, signature },
  });
  if (res.status !== 201)
    throw new Error(`sign-in answered ${res.status}: ${JSON.stringify(res.json)}`);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

/**
 * Signs in over HTTP to a running server at `appUrl` (its own origin and host in the
 * message, as a browser there would send); answers the session cookie ("name=value").
 */
export async function signInOverHttp(appUrl: string, account: LocalAccount): Promise<string> {
  const headers = { origin: appUrl, "content-type": "application/json" };
  const nonceAnswer = await fetch(`${appUrl}/api/v1/auth/nonce`, { method: "POST", headers });
  const { nonce } = (await nonceAnswer.json()) as { nonce: string };
  const message = siweMessage(account, nonce, { domain: new URL(appUrl).host, uri: appUrl });
  const signature = await account.signMessage({ message });
  const res = await fetch(`${appUrl}/api/v1/auth/sign-in`, {
    method: "POST",
    headers,
    body: JSON.stringify({ message, signature }),
  });
  if (res.status !== 201) throw new Error(`sign-in answered ${res.status}: ${await res.text()}`);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}
