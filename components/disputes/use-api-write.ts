"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { errorText } from "@/components/auth/account-menu";

/**
 * Runs one API write for a form: busy while it runs, the API's message when it fails, and
 * the server-rendered page refreshed when it succeeds (so the thread shows the new entry).
 */
export function useApiWrite() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run<T>(write: () => Promise<T>, after?: (result: T) => void): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      const result = await write();
      if (after) after(result);
      else router.refresh();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run, router };
}
