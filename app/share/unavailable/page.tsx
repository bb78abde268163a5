import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { z } from "zod";
import { ACCESS_HEADER } from "@/lib/auth/read-access";
import { isInternalHref } from "@/lib/web/links";

export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Not available",
  robots: { index: false, follow: false },
};

const refusalSchema = z.object({
  problem: z.enum([
    "private",
    "unknown_link",
    "expired_link",
    "revoked_link",
    "out_of_scope",
    "read_only",
  ]),
  message: z.string(),
  opens: z.object({ href: z.string().refine(isInternalHref), label: z.string() }).optional(),
});

const TITLES: Record<z.infer<typeof refusalSchema>["problem"], string> = {
  private: "This deployment is private",
  unknown_link: "This link is not valid",
  expired_link: "This link has expired",
  revoked_link: "This link was revoked",
  out_of_scope: "This link does not open this page",
  read_only: "This link is read-only",
};

/**
 * What a private deployment shows instead of data (the proxy rewrites refused pages here,
 * with the status: 401, 403, 404 or 410). Says why, and what the visitor can do.
 */
export default async function UnavailablePage() {
  const raw = (await headers()).get(ACCESS_HEADER);
  const parsed = refusalSchema.safeParse(parseHeader(raw));
  const refusal = parsed.success
    ? parsed.data
    : {
        problem: "private" as const,
        message: "This page is not available without signing in.",
        opens: undefined,
      };
  return (
    <div className="mx-auto max-w-xl py-16 text-center" data-testid="access-refused">
      <p className="text-sm font-semibold text-indigo-700">Private deployment</p>
      <h1 className="mt-2 text-2xl font-semibold">{TITLES[refusal.problem]}</h1>
      <p className="mt-2 text-slate-700" data-testid="access-message">
        {refusal.message}
      </p>
      {refusal.opens ? (
        <p className="mt-4">
          <Link href={refusal.opens.href} className="font-medium text-indigo-700 underline">
            Open {refusal.opens.label}
          </Link>
        </p>
      ) : null}
      <p className="mt-6 text-sm text-slate-600">
        {refusal.problem === "private"
          ? "Use “Sign in” at the top right with your Ethereum wallet; any role can read."
          : "Ask whoever shared it for a new link, or sign in with your wallet (top right) if you have an account."}
      </p>
    </div>
  );
}

function parseHeader(raw: string | null): unknown {
  if (!raw) return null;
  try {
    return JSON.parse(decodeURIComponent(raw));
  } catch {
    return null;
  }
}
