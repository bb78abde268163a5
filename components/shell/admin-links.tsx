"use client";

import Link from "next/link";
import { useSession } from "@/components/auth/account-menu";

/** Links only admins need, in the top bar once the session says admin. */
export function AdminLinks() {
  const session = useSession();
  if (session.data?.user?.role !== "admin") return null;
  return (
    <li>
      <Link href="/agents" className="rounded px-1 py-0.5 hover:text-indigo-700">
        Agents
      </Link>
    </li>
  );
}
