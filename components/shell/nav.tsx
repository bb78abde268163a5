import Link from "next/link";
import { AccountMenu } from "@/components/auth/account-menu";
import { AdminLinks } from "./admin-links";
import { LiveUpdates } from "./live-updates";
import { SearchBox } from "./search-box";

const LINKS = [
  { href: "/models", label: "Models" },
  { href: "/incidents", label: "Incidents" },
  { href: "/disputes", label: "Disputes" },
  { href: "/findings", label: "Findings" },
  { href: "/audit", label: "Audit" },
] as const;

/** The top bar: product name, the main sections and the search box. */
export function Nav() {
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav
        aria-label="Main"
        className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-5 gap-y-2 px-4 py-3"
      >
        <Link href="/" className="text-lg font-semibold tracking-tight text-indigo-700">
          Provenance
        </Link>
        <ul className="flex gap-3 text-sm font-medium text-slate-700">
          {LINKS.map((link) => (
            <li key={link.href}>
              <Link href={link.href} className="rounded px-1 py-0.5 hover:text-indigo-700">
                {link.label}
              </Link>
            </li>
          ))}
          <AdminLinks />
        </ul>
        <div className="ml-auto flex items-center gap-4">
          <LiveUpdates />
          <AccountMenu />
        </div>
        <div className="w-full sm:w-52">
          <SearchBox />
        </div>
      </nav>
    </header>
  );
}
