"use client";

import { useEffect } from "react";

/** Shown when a page fails on the server; the digest ties it to the server log line. */
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div role="alert" className="mx-auto max-w-xl py-16 text-center">
      <h1 className="text-2xl font-semibold">This page could not be loaded</h1>
      <p className="mt-2 text-slate-600">
        Something failed while reading the records. Nothing was changed. Try again; if it keeps
        failing, give the operator this reference:
      </p>
      {error.digest ? (
        <p className="mt-2 font-mono text-sm text-slate-800">{error.digest}</p>
      ) : null}
      <button
        type="button"
        onClick={reset}
        className="mt-6 rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-700"
      >
        Try again
      </button>
    </div>
  );
}
