import { ChainsCard } from "@/components/home/chains-card";
import { DatabaseCard } from "@/components/home/database-card";
import { SyncCard } from "@/components/home/sync-card";
import { getIndexerStatus } from "@/lib/db/indexer-status";
import { getDatabaseStatus } from "@/lib/db/status";
import { getChainStatuses } from "@/lib/system/chains";
import { sourcesFile } from "@/lib/env";

// Every visit reads the database and the chains live.
export const dynamic = "force-dynamic";

export default async function HomePage() {
  const [database, chains, indexer] = await Promise.all([
    getDatabaseStatus(),
    getChainStatuses().catch((error: unknown) => ({
      file: sourcesFile(),
      chains: [],
      error: error instanceof Error ? error.message : String(error),
    })),
    // The card polls on its own; a database that is down shows in the database card.
    getIndexerStatus().catch(() => null),
  ]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">System overview</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">
          Provenance indexes TEE-signed inference receipts, on-chain settlements, payments and agent
          actions, so that anyone can see which model version produced which output and what
          depended on it, across rollbacks.
        </p>
      </div>
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <SyncCard initial={indexer} />
        <ChainsCard {...chains} />
        <DatabaseCard status={database} />
      </div>
    </div>
  );
}
