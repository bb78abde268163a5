import pg from "pg";

/** Rows from which a table counts as big (an empty side table may rightly be scanned). */
const BIG_ROWS = 10_000;

/** Tables that grow with traffic: a sequential scan of one, once big, is a missing index. */
export const BIG_TABLES = new Set([
  "inference",
  "inference_rollup",
  "payment",
  "payment_allocation",
  "settlement",
  "batch_leaf",
  "agent_action",
  "agent_action_citation",
  "finding",
  "receipt",
]);

export interface Recorded {
  sql: string;
  values: unknown[];
}

/**
 * Runs `work` and returns every statement sent through `pg` meanwhile (the raw-SQL verbs
 * and Prisma's adapter both use it), with its parameters.
 */
export async function recordQueries(work: () => Promise<void>): Promise<Recorded[]> {
  const recorded: Recorded[] = [];
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const [first, second] = args;
    const sql = typeof first === "string" ? first : (first as { text?: string })?.text;
    const values = Array.isArray(second)
      ? second
      : ((first as { values?: unknown[] })?.values ?? []);
    if (typeof sql === "string" && /^\s*(SELECT|WITH)/i.test(sql)) recorded.push({ sql, values });
    return original.apply(this, args);
  };
  try {
    await work();
  } finally {
    proto.query = original;
  }
  return recorded;
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

/** EXPLAINs each statement with its parameters; returns the sequential scans of big tables. */
export async function explainAll(client: pg.Client, recorded: Recorded[], print: boolean) {
  const scans: { table: string; sql: string }[] = [];
  const seen = new Set<string>();
  const sizes = await client.query<{ relname: string; rows: number }>(
    "SELECT relname, reltuples::float8 AS rows FROM pg_class WHERE relkind = 'r' AND relname = ANY($1)",
    [[...BIG_TABLES]],
  );
  const big = new Set(sizes.rows.filter((r) => r.rows >= BIG_ROWS).map((r) => r.relname));
  for (const q of recorded) {
    if (seen.has(q.sql)) continue;
    seen.add(q.sql);
    const { rows } = await client.query<{ "QUERY PLAN": { Plan: PlanNode }[] }>(
      `EXPLAIN (FORMAT JSON) ${q.sql}`,
      q.values,
    );
    const plan = rows[0]!["QUERY PLAN"][0]!.Plan;
    const walk = (node: PlanNode) => {
      if (node["Node Type"] === "Seq Scan" && big.has(node["Relation Name"] ?? "")) {
        scans.push({ table: node["Relation Name"]!, sql: q.sql });
      }
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(plan);
    if (print) {
      const text = await client.query(`EXPLAIN ${q.sql}`, q.values);
      console.log(`\n-- ${q.sql.replace(/\s+/g, " ").slice(0, 140)}…`);
      for (const r of text.rows) console.log(`   ${String(r["QUERY PLAN"])}`);
    }
  }
  return scans;
}
