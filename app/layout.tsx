import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Nav } from "@/components/shell/nav";
import { Providers } from "@/components/shell/providers";
import { pageOrigin } from "@/lib/auth/origin";
import "./globals.css";

const DESCRIPTION =
  "Which AI model version produced which output, and which payments and agent actions depended on it, across rollbacks.";

/** metadataBase makes Open Graph image URLs absolute, as link previews need. */
export async function generateMetadata(): Promise<Metadata> {
  return {
    metadataBase: new URL(await pageOrigin()),
    title: { default: "Provenance", template: "%s · Provenance" },
    description: DESCRIPTION,
    openGraph: { siteName: "Provenance", type: "website" },
  };
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <Providers>
          <a
            href="#main"
            className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:rounded focus:bg-white focus:p-2"
          >
            Skip to content
          </a>
          <Nav />
          <main id="main" className="mx-auto max-w-6xl px-4 py-6">
            {children}
          </main>
        </Providers>
      </body>
    </html>
  );
}
