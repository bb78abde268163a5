import type { BlastRadiusSummary } from "@/lib/db/blast-radius";
import type pg from "pg";
import {
  address,
  CHAIN_DEPTH,
  hashOf,
  HOT_MODEL,
  INCIDENT,
  reachedByIncident,
  startsChain,
  timeAt,
  timeOf,
  type Synthetic,
} from "./synthetic";

/** The token every synthetic payment is made in (see loadSynthetic). */
const TOKEN = `0x${"6".repeat(40)}`;

export interface SyntheticIncident {
  id: string;
  from: Date;
  to: Date;
}

/**
 * Records the planted incident (see INCIDENT in ./synthetic) as an operator-confirmed,
 * signed incident: the hot model's v1.1.0, rolled back to v1.2.0. The signature and digest
 * are well-formed but synthetic; nothing in the benchmark verifies them.
 */
export async function createIncident(
  client: pg.ClientBase,
  s: Synthetic,
): Promise<SyntheticIncident> {
  const from = new Date(timeAt(s, INCIDENT.from));
  const to = new Date(timeAt(s, INCIDENT.to));
  const reason = "Synthetic incident (bench): v1.1.0 of the hot model served bad outputs.";
  const statement = {
    primaryType: "IncidentStatement",
    message: {
      action: "mark",
      model: HOT_MODEL,
      badVersionLabel: "v1.1.0",
      windowFrom: String(from.getTime()),
      windowTo: String(to.getTime()),
      reason,
    },
  };
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO incident (model_id, bad_version_id, rolled_back_to_version_id, window_from, window_to,
                           reason, operator, statement, signature, statement_digest, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, 'confirmed') RETURNING id`,
    [
      s.modelIds[0],
      s.versionIds[0]![INCIDENT.version],
      s.versionIds[0]![2],
      from,
      to,
      reason,
      address(17, 1),
      JSON.stringify(statement),
      `0x${"ab".repeat(65)}`,
      hashOf(16, 0),
    ],
  );
  return { id: rows[0]!.id, from, to };
}

/** The parts of a blast-radius summary the generator can predict. */
export interface PlantedBlastRadius {
  affected: number;
  stale: number;
  settlements: number;
  payments: number;
  /** Sum of the whole payments' values and of the parts allocated to reached inferences. */
  total: bigint;
  allocated: bigint;
  actions: number;
  actionsByDepth: Record<string, number>;
  maxDepth: number;
  depthCapped: boolean;
}

/**
 * What the blast radius of the planted incident must be with inferences [0, s.loaded)
 * loaded, counted from the generator's own rules (not from the database): reached
 * inferences split at the window's end, their individual settlements (one per 10
 * inferences), the payments allocated to them (one per 20 inferences, over 4), and the
 * planted chains (one action per depth each).
 */
export function plantedBlastRadius(s: Synthetic, incident: SyntheticIncident): PlantedBlastRadius {
  const to = incident.to.getTime();
  const p: PlantedBlastRadius = {
    affected: 0,
    stale: 0,
    settlements: 0,
    payments: 0,
    total: 0n,
    allocated: 0n,
    actions: 0,
    actionsByDepth: {},
    maxDepth: 0,
    depthCapped: false,
  };
  const payments = new Set<number>();
  let chains = 0;
  for (let i = 0; i < s.loaded; i++) {
    if (!reachedByIncident(s, i)) continue;
    if (timeOf(s, i) >= to) p.stale++;
    else p.affected++;
    if (i % 10 === 0) p.settlements++;
    if (i % 20 < 4) {
      const payment = i - (i % 20);
      const value = BigInt(1 + (payment % 50)) * 10n ** 16n;
      if (!payments.has(payment)) p.total += value;
      payments.add(payment);
      p.allocated += value / 4n;
    }
    if (startsChain(s, i)) chains++;
  }
  p.payments = payments.size;
  if (chains > 0) {
    for (let d = 1; d <= CHAIN_DEPTH; d++) p.actionsByDepth[String(d)] = chains;
    p.actions = chains * CHAIN_DEPTH;
    p.maxDepth = CHAIN_DEPTH;
  }
  return p;
}

/** The differences between a computed summary and the planted one (none when they agree). */
export function compareBlastRadius(
  summary: BlastRadiusSummary,
  planted: PlantedBlastRadius,
): string[] {
  const tokens =
    planted.payments === 0
      ? []
      : [
          {
            token: TOKEN,
            payments: planted.payments,
            total: planted.total.toString(),
            allocated: planted.allocated.toString(),
          },
        ];
  const sum = (k: 1 | 2 | 3) => summary.series.reduce((n, row) => n + row[k], 0);
  const checks: [string, unknown, unknown][] = [
    ["affected", summary.affected, planted.affected],
    ["stale", summary.stale, planted.stale],
    ["settlements", summary.settlements, planted.settlements],
    ["payments", summary.payments, planted.payments],
    ["tokens", summary.tokens, tokens],
    ["actions", summary.actions, planted.actions],
    ["actionsByDepth", summary.actionsByDepth, planted.actionsByDepth],
    ["maxDepth", summary.maxDepth, planted.maxDepth],
    ["depthCapped", summary.depthCapped, planted.depthCapped],
    ["series: affected", sum(1), planted.affected],
    ["series: stale", sum(2), planted.stale],
    ["series: actions", sum(3), planted.actions],
  ];
  return checks
    .filter(([, got, want]) => canonical(got) !== canonical(want))
    .map(
      ([name, got, want]) =>
        `${name}: computed ${JSON.stringify(got)}, planted ${JSON.stringify(want)}`,
    );
}

/** JSON with object keys sorted (jsonb orders keys its own way). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
