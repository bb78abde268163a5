import { COUNT_CAP, type DatabaseDown, type DatabaseStatus } from "@/lib/db/status";
import { Card, EmptyState, StatusBadge } from "@/components/ui/card";
import { formatCount } from "@/lib/web/format";

/** Database health and the row count of every table, read by the server just now. */
export function DatabaseCard({ status }: { status: DatabaseStatus | DatabaseDown }) {
  if (!status.ok) {
    return (
      <Card id="database" title="Database" aside={<StatusBadge ok={false} label="unreachable" />}>
        <p className="text-sm text-rose-800">{status.error}</p>
        <p className="mt-2 text-sm text-slate-600">
          Check <code>DATABASE_URL</code>, or unset it to let <code>npm start</code> run the
          embedded PostgreSQL.
        </p>
      </Card>
    );
  }
  const total = status.tables.reduce((sum, t) => sum + t.rows, 0);
  return (
    <Card id="database" title="Database" aside={<StatusBadge ok label="connected" />}>
      <dl className="grid grid-cols-3 gap-2 text-sm">
        <Stat label="PostgreSQL" value={status.serverVersion} />
        <Stat label="Round trip" value={`${status.latencyMs.toFixed(1)} ms`} />
        <Stat label="Migrations" value={formatCount(status.migrations)} />
      </dl>
      {total === 0 ? (
        <div className="mt-4">
          <EmptyState title="No evidence indexed yet">
            Provenance fills these {status.tables.length} tables from the chains listed beside this
            panel and from receipts posted by integrators.
          </EmptyState>
        </div>
      ) : null}
      <table className="mt-4 w-full text-sm">
        <caption className="sr-only">Rows per table</caption>
        <thead>
          <tr className="border-b border-slate-200 text-left text-slate-500">
            <th scope="col" className="py-1 font-medium">
              Table
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              Rows
            </th>
          </tr>
        </thead>
        <tbody>
          {status.tables.map((t) => (
            <tr key={t.table} className="border-b border-slate-100 last:border-0">
              <td className="py-1 font-mono text-xs">{t.table}</td>
              <td className="py-1 text-right tabular-nums">
                {t.rows > COUNT_CAP ? `over ${formatCount(COUNT_CAP)}` : formatCount(t.rows)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-slate-500">{label}</dt>
      <dd className="font-medium tabular-nums">{value}</dd>
    </div>
  );
}
