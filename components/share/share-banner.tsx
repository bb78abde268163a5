import { formatUtc } from "@/lib/web/format";

/** Tells a visitor who came through a share link what they are looking at, and until when. */
export function ShareBanner({ expiresAt }: { expiresAt: string }) {
  return (
    <p
      role="status"
      data-testid="share-banner"
      className="mb-4 rounded border border-indigo-200 bg-indigo-50 px-3 py-2 text-sm text-indigo-900"
    >
      Shared read-only link — expires {formatUtc(expiresAt)}. It opens this page and its downloads
      only.
    </p>
  );
}
