"use client";

import { InlineError } from "@/components/ui/inline-error";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { createSiweMessage } from "viem/siwe";
import { useConnect, useConnectors, useDisconnect, useSignMessage } from "wagmi";
import { queryKeys } from "@/lib/api/query-keys";
import type { Role } from "@/lib/auth/roles";
import { callApi } from "@/lib/web/api-client";
import { shortHash } from "@/lib/web/format";

interface SessionAnswer {
  user: { address: string; role: Role; expiresAt: string } | null;
}

/** The signed-in user, shared by every client leaf that gates an action on a role. */
export function useSession() {
  return useQuery({
    queryKey: queryKeys.session,
    queryFn: () => callApi<SessionAnswer>("/api/v1/auth/session"),
    staleTime: 30_000,
  });
}

/**
 * Sign-in with Ethereum in the top bar: pick a wallet, sign the EIP-4361 message the server
 * checks (domain, chain, single-use nonce), and the session cookie is set. Signed in, it
 * shows the address and role, and signs out.
 */
export function AccountMenu() {
  const session = useSession();
  const connectors = useConnectors();
  const { connectAsync } = useConnect();
  const { disconnectAsync } = useDisconnect();
  const { signMessageAsync } = useSignMessage();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const user = session.data?.user;

  const done = async () => {
    await queryClient.invalidateQueries({ queryKey: queryKeys.session });
    router.refresh();
  };

  async function signIn(connectorId: string) {
    const connector = connectors.find((c) => c.uid === connectorId);
    if (!connector) return;
    setBusy(true);
    setError(null);
    try {
      const { accounts, chainId } = await connectAsync({ connector });
      const address = accounts[0]!;
      const { nonce } = await callApi<{ nonce: string }>("/api/v1/auth/nonce", {
        method: "POST",
        body: {},
      });
      const message = createSiweMessage({
        domain: window.location.host,
        address,
        statement: "Sign in to Provenance. This signature does not move funds.",
        uri: window.location.origin,
        version: "1",
        chainId,
        nonce,
        issuedAt: new Date(),
      });
      const signature = await signMessageAsync({ account: address, message, connector });
      await callApi("/api/v1/auth/sign-in", { body: { message, signature } });
      setOpen(false);
      await done();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  async function signOut() {
    setBusy(true);
    try {
      await callApi("/api/v1/auth/sign-out", { body: {} });
      await disconnectAsync().catch(() => {});
      await done();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  if (session.isPending) return <span className="text-xs text-slate-500">…</span>;
  if (user) {
    return (
      <div className="flex items-center gap-2 text-sm">
        <span className="font-mono text-xs" title={user.address} data-testid="signed-in-address">
          {shortHash(user.address, 6, 4)}
        </span>
        <span className="rounded-full bg-indigo-50 px-2 py-0.5 text-xs font-medium text-indigo-800">
          {user.role}
        </span>
        {user.role === "admin" ? (
          <Link href="/users" className="text-xs text-indigo-700 underline">
            Roles
          </Link>
        ) : null}
        <button
          type="button"
          onClick={signOut}
          disabled={busy}
          className="rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-50"
        >
          Sign out
        </button>
        <InlineError message={error} />
      </div>
    );
  }
  return (
    <div className="relative text-sm">
      <button
        type="button"
        aria-expanded={open}
        aria-controls="sign-in-menu"
        onClick={() => setOpen((o) => !o)}
        className="rounded bg-indigo-700 px-3 py-1 text-xs font-medium text-white hover:bg-indigo-800"
      >
        Sign in
      </button>
      {open ? (
        <div
          id="sign-in-menu"
          className="absolute right-0 z-20 mt-2 w-72 rounded-md border border-slate-200 bg-white p-3 shadow-lg"
        >
          <p className="mb-2 text-xs text-slate-600">
            Sign in with your Ethereum wallet (EIP-4361). Reading needs no account; auditors,
            operators and admins sign in to act.
          </p>
          {connectors.length === 0 ? (
            <p className="text-xs text-slate-700">No wallet found: install a browser wallet.</p>
          ) : (
            <ul className="space-y-1">
              {connectors.map((c) => (
                <li key={c.uid}>
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() => signIn(c.uid)}
                    className="w-full rounded border border-slate-300 px-2 py-1 text-left text-xs hover:bg-slate-50 disabled:opacity-50"
                  >
                    {busy ? "Waiting for the wallet…" : `Sign in with ${walletName(c.name, c.id)}`}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {error ? (
            <p role="alert" className="mt-2 text-xs text-rose-700">
              {error}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function walletName(name: string, id: string) {
  if (id === "mock") return "the test wallet";
  return name === "Injected" ? "your browser wallet" : name;
}

/** A wallet's or the API's error, in one sentence. */
export function errorText(e: unknown): string {
  const error = e as { shortMessage?: string; message?: string; name?: string };
  if (error.name === "ProviderNotFoundError")
    return "No browser wallet found: install one, then try again.";
  if (error.name === "UserRejectedRequestError")
    return "You declined in the wallet; nothing was signed.";
  return error.shortMessage ?? error.message ?? String(e);
}
