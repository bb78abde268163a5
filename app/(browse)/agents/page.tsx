import type { Metadata } from "next";
import { AddAgentForm } from "@/components/agents/add-agent-form";
import { AgentControls } from "@/components/agents/agent-actions";
import { EmptyState } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { Hash } from "@/components/ui/hash";
import { PageHeader } from "@/components/ui/page-header";
import { Time } from "@/components/ui/time";
import { hasRole } from "@/lib/auth/roles";
import { currentUser } from "@/lib/auth/session";
import { listKnownAgents } from "@/lib/db/agents";
import { formatCount } from "@/lib/web/format";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Agents" };

export default async function AgentsPage() {
  const [me, agents] = await Promise.all([currentUser(), listKnownAgents()]);
  const admin = me !== null && hasRole(me.role, "admin");
  return (
    <>
      <PageHeader title="Agents">
        Known agents: their actions are the headline of every blast radius. Actions of any other
        address are kept and shown apart as unknown agents, never added in. Agents come from the
        sources config or are added here by an admin; each change is recorded in the audit log. A
        retired agent counts as unknown from the next computation on.
      </PageHeader>
      {admin ? (
        <div className="mb-4">
          <AddAgentForm />
        </div>
      ) : (
        <p className="mb-4 text-sm text-slate-600">
          {me ? `You are signed in as ${me.role}; ` : ""}admins add, label and retire agents.
        </p>
      )}
      {agents.length === 0 ? (
        <EmptyState title="No known agents">
          Every agent action counts as an unknown agent&apos;s until an agent is listed in the
          sources config (<code>agents</code>) or added here.
        </EmptyState>
      ) : (
        <DataTable
          caption="Known agents"
          columns={[
            { label: "Address" },
            { label: "Label" },
            { label: "Origin" },
            { label: "Status" },
            { label: "Actions", numeric: true },
            { label: "Added" },
          ]}
          rows={agents.map((a) => ({
            key: a.address,
            cells: [
              <Hash key="a" value={a.address} />,
              admin ? (
                <AgentControls
                  key="l"
                  address={a.address}
                  label={a.label}
                  retired={a.status === "retired"}
                />
              ) : (
                a.label
              ),
              a.origin === "config" ? "sources config" : "admin",
              a.status === "retired" ? (
                <span key="s" className="text-slate-600">
                  retired <Time iso={a.retiredAt!} />
                </span>
              ) : (
                "known"
              ),
              formatCount(a.actions),
              <span key="t" className="text-xs">
                <Time iso={a.addedAt} /> by{" "}
                {a.addedBy === "config" ? "the config" : <Hash value={a.addedBy} />}
              </span>,
            ],
          }))}
        />
      )}
    </>
  );
}
