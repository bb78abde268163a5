import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-xl py-16 text-center">
      <p className="text-sm font-semibold text-indigo-700">404</p>
      <h1 className="mt-2 text-2xl font-semibold">Nothing here</h1>
      <p className="mt-2 text-slate-600">
        This address matches no page or record. If you followed a link to an output, search for its
        hash instead: records orphaned by a reorg are still found.
      </p>
      <div className="mt-6 flex justify-center gap-4 text-sm font-medium">
        <Link href="/" className="text-indigo-700 underline">
          Back to the overview
        </Link>
        <Link href="/search" className="text-indigo-700 underline">
          Search
        </Link>
      </div>
    </div>
  );
}
