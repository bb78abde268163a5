import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/lib/db/generated/client";
import { createTestDatabase, type TestDatabase } from "@/tests/helpers/db";
import { parsePrismaSchema, type SchemaField, type SchemaModel } from "./schema-text";
import { address, createOneOfEach, hash32, logColumns, type RoundTrip } from "./schema-fixtures";

// The proof that prisma/schema.prisma and the hand-written migration SQL agree: the
// structure read back from a migrated database must be exactly what the schema text
// describes, and every model must round-trip through the generated client.

const schema = parsePrismaSchema(
  fs.readFileSync(new URL("../../prisma/schema.prisma", import.meta.url), "utf8"),
);
const enumDbName = new Map(schema.enums.map((e) => [e.name, e.dbName]));

/** Partial unique indexes only the SQL declares (Prisma cannot express a WHERE). */
const SQL_ONLY_INDEXES = [
  "agent_action_citation.agent_action_citation_action_id_cited_action_id_key(action_id,cited_action_id) unique partial",
  "agent_action_citation.agent_action_citation_action_id_output_hash_key(action_id,output_hash) unique partial",
  "registry_event.registry_event_live_log_key(chain_id,tx_hash,log_index) unique partial",
  "enclave.enclave_live_log_key(chain_id,tx_hash,log_index) unique partial",
  "settlement.settlement_live_log_key(chain_id,tx_hash,log_index) unique partial",
  "hub_event.hub_event_live_log_key(chain_id,tx_hash,log_index) unique partial",
  "workflow_event.workflow_event_live_log_key(chain_id,tx_hash,log_index) unique partial",
  "payment.payment_live_log_key(chain_id,tx_hash,log_index) unique partial",
  "enclave.enclave_live_tee_key(chain_id,registry_address,tee_id) unique partial",
  "incident.incident_proposal_key(proposed_from_event_id,model_id) unique partial",
  "inference.inference_payment_pending_idx(session_id) partial",
  "payment.payment_orphaned_allocated_idx(id) partial",
  "agent_action.agent_action_id_occurred_at_idx(id,occurred_at)", // occurred_at INCLUDEd
];
const CHECK_PATTERNS: Record<string, string> = {
  hash32: "'^0x[0-9a-f]{64}$'",
  address: "'^0x[0-9a-f]{40}$'",
  "hex bytes": "'^0x([0-9a-f]{2})*$'",
  base64: "'^[A-Za-z0-9+/]+={0,2}$'",
};
const SCALAR_UDT: Record<string, string> = {
  String: "text",
  Int: "int4",
  BigInt: "int8",
  Boolean: "bool",
  DateTime: "timestamp",
  Json: "jsonb",
  Decimal: "numeric",
};
const FK_ACTION: Record<string, string> = {
  Restrict: "r",
  Cascade: "c",
  SetNull: "n",
  NoAction: "a",
  SetDefault: "d",
};

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.close();
});

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await db.pool.query(sql, params)).rows as T[];
}

function columnOf(model: SchemaModel, fieldName: string): string {
  const field = model.fields.find((f) => f.name === fieldName);
  if (!field) throw new Error(`${model.name}.${fieldName} is not a scalar field`);
  return field.column;
}

function baseUdt(field: SchemaField): string {
  if (field.isEnum) return enumDbName.get(field.type)!;
  if (field.nativeType === "Uuid") return "uuid";
  if (field.type === "DateTime" && field.nativeType?.startsWith("Timestamptz"))
    return "timestamptz";
  return SCALAR_UDT[field.type] ?? `unknown ${field.type}`;
}

/** The column default Postgres reports for what `@default(...)` renders to. */
function expectedDefault(table: string, field: SchemaField): string | null {
  const d = field.defaultValue;
  if (d === undefined) return null;
  if (d === "now()") return "CURRENT_TIMESTAMP";
  if (d === "autoincrement()") return `nextval('${table}_${field.column}_seq'::regclass)`;
  if (d === "[]") return `ARRAY[]::${baseUdt(field)}[]`;
  const generated = /^dbgenerated\("(.*)"\)$/.exec(d);
  if (generated) return generated[1]!;
  const literal = /^"(.*)"$/.exec(d);
  if (literal) return `'${literal[1]}'::${baseUdt(field)}`;
  if (field.isEnum) return `'${d}'::${baseUdt(field)}`;
  return d;
}

describe("schema.prisma and the migration SQL", () => {
  it("has exactly the tables named by the models' @@map", async () => {
    const tables = await rows<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
         AND table_name <> '_prisma_migrations'`,
    );
    expect(tables.map((t) => t.table_name).sort()).toEqual(
      schema.models.map((m) => m.table).sort(),
    );
  });

  it("has exactly the columns the schema names, with its types, nullability and defaults", async () => {
    const columns = await rows<{
      table_name: string;
      column_name: string;
      udt_name: string;
      is_nullable: string;
      column_default: string | null;
      numeric_precision: number | null;
      numeric_scale: number | null;
      datetime_precision: number | null;
    }>(
      `SELECT table_name, column_name, udt_name, is_nullable, column_default,
              numeric_precision, numeric_scale, datetime_precision
       FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
    );
    const actual = columns.map((c) => {
      const type =
        c.udt_name === "numeric"
          ? `numeric(${c.numeric_precision},${c.numeric_scale})`
          : c.udt_name === "timestamptz"
            ? `timestamptz(${c.datetime_precision})`
            : c.udt_name;
      return `${c.table_name}.${c.column_name} ${type} ${c.is_nullable === "YES" ? "null" : "not null"} default=${c.column_default}`;
    });
    const expected = schema.models.flatMap((m) =>
      m.fields.map((f) => {
        let type = baseUdt(f);
        if (type === "numeric")
          type = `numeric(${
            /\((\d+),\s*(\d+)\)/
              .exec(f.nativeType ?? "")
              ?.slice(1)
              .join(",") ?? "65,30"
          })`;
        if (type === "timestamptz")
          type = `timestamptz(${/\((\d+)\)/.exec(f.nativeType!)?.[1] ?? "6"})`;
        if (f.list) type = `_${type}`;
        // Note: Prisma renders scalar lists without NOT NULL (prisma/migrate#519).
        const nullable = f.optional || f.list;
        return `${m.table}.${f.column} ${type} ${nullable ? "null" : "not null"} default=${expectedDefault(m.table, f)}`;
      }),
    );
    expect(actual.sort()).toEqual(expected.sort());
  });

  it("follows the house conventions for timestamps, amounts and ids", () => {
    const fields = schema.models.flatMap((m) => m.fields.map((f) => ({ m, f })));
    const off = fields
      .filter(
        ({ f }) =>
          (f.type === "DateTime" && f.nativeType !== "Timestamptz(3)") ||
          (f.type === "Decimal" && f.nativeType !== "Decimal(78, 0)"),
      )
      .map(({ m, f }) => `${m.name}.${f.name}`);
    expect(off).toEqual([]);
    const undocumentedHex = fields
      .filter(({ f }) => f.type === "String" && /(^|_)(hash|address)$/.test(f.column))
      .filter(({ f }) => !f.check)
      .map(({ m, f }) => `${m.name}.${f.name}`);
    expect(undocumentedHex).toEqual([]);
  });

  it("has the enum types the schema declares, with their values in order", async () => {
    const enums = await rows<{ typname: string; labels: string[] }>(
      `SELECT t.typname, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
       JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = current_schema() GROUP BY t.typname`,
    );
    expect(Object.fromEntries(enums.map((e) => [e.typname, e.labels]))).toEqual(
      Object.fromEntries(schema.enums.map((e) => [e.dbName, e.values])),
    );
  });

  it("has the primary keys, unique keys and indexes under the names Prisma gives them", async () => {
    const indexes = await rows<{ text: string }>(
      `SELECT t.relname || '.' || c.relname || '(' || array_to_string(array(
                SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord
              ), ',') || ')'
              || CASE WHEN i.indisprimary THEN ' primary' WHEN i.indisunique THEN ' unique' ELSE '' END
              || CASE WHEN i.indpred IS NOT NULL THEN ' partial' ELSE '' END AS text
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = current_schema() AND t.relname <> '_prisma_migrations'`,
    );
    const expected = schema.models.flatMap((m) => {
      const cols = (fields: string[]) => fields.map((f) => columnOf(m, f));
      const name = (fields: string[]) => `${m.table}_${cols(fields).join("_")}`;
      return [
        `${m.table}.${m.table}_pkey(${cols(m.id).join(",")}) primary`,
        ...m.uniques.map((u) => `${m.table}.${name(u)}_key(${cols(u).join(",")}) unique`),
        ...m.indexes.map((x) => `${m.table}.${name(x)}_idx(${cols(x).join(",")})`),
      ];
    });
    expect(indexes.map((i) => i.text).sort()).toEqual([...expected, ...SQL_ONLY_INDEXES].sort());
  });

  it("has the foreign keys the relations declare, with their delete and update rules", async () => {
    const fks = await rows<{ text: string }>(
      `SELECT t.relname || '.' || con.conname || ' (' || array_to_string(array(
                SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(n, ord)
                JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.ord
              ), ',') || ') -> ' || ft.relname || ' (' || array_to_string(array(
                SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(n, ord)
                JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.n ORDER BY k.ord
              ), ',') || ') delete=' || con.confdeltype::text || ' update=' || con.confupdtype::text AS text
       FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid
       JOIN pg_class ft ON ft.oid = con.confrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE con.contype = 'f' AND n.nspname = current_schema()`,
    );
    const byName = new Map(schema.models.map((m) => [m.name, m]));
    const expected = schema.models.flatMap((m) =>
      m.relations.map((r) => {
        const target = byName.get(r.target)!;
        const cols = r.fields.map((f) => columnOf(m, f));
        const refs = r.references.map((f) => columnOf(target, f));
        const optional = r.fields.some((f) => m.fields.find((x) => x.name === f)?.optional);
        const onDelete = FK_ACTION[r.onDelete ?? (optional ? "SetNull" : "Restrict")];
        return `${m.table}.${m.table}_${cols.join("_")}_fkey (${cols.join(",")}) -> ${target.table} (${refs.join(",")}) delete=${onDelete} update=c`;
      }),
    );
    expect(fks.map((f) => f.text).sort()).toEqual(expected.sort());
  });

  it("has a format CHECK on exactly the columns whose doc comment promises one", async () => {
    const checks = await rows<{ table: string; columns: string[]; def: string }>(
      `SELECT t.relname AS table, array(
                SELECT a.attname::text FROM unnest(con.conkey) k(n)
                JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n
              ) AS columns, pg_get_constraintdef(con.oid) AS def
       FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE con.contype = 'c' AND n.nspname = current_schema()`,
    );
    const actual = checks.flatMap((c) =>
      Object.entries(CHECK_PATTERNS)
        .filter(([, pattern]) => c.columns.length === 1 && c.def.includes(`~ ${pattern}::text`))
        .map(([kind]) => `${c.table}.${c.columns[0]} ${kind}`),
    );
    const expected = schema.models.flatMap((m) =>
      m.fields.filter((f) => f.check && !f.list).map((f) => `${m.table}.${f.column} ${f.check}`),
    );
    expect(actual.sort()).toEqual(expected.sort());
  });

  it("makes every chain-derived model idempotent on (chain, block hash, log) and indexed by tx", () => {
    const chainDerived = schema.models.filter((m) =>
      ["chainId", "blockNumber", "blockHash", "txHash", "logIndex", "orphanedAt"].every((f) =>
        m.fields.some((x) => x.name === f),
      ),
    );
    expect(chainDerived.map((m) => m.name).sort()).toEqual([
      "BatchLeaf",
      "Enclave",
      "HubEvent",
      "Payment",
      "RegistryEvent",
      "Settlement",
      "WorkflowEvent",
    ]);
    for (const m of chainDerived) {
      // A reorg may re-include the same transaction in a new block: the old row stays
      // (orphaned) beside the new one. Leaves are unique within their settlement row.
      const key =
        m.name === "BatchLeaf"
          ? ["settlementId", "leafIndex"]
          : ["chainId", "blockHash", "logIndex"];
      expect(m.uniques, m.name).toContainEqual(key);
      expect(m.indexes, m.name).toContainEqual(["txHash"]);
    }
  });
});

/** Dates, bigints and decimals as comparable plain values. */
function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return `${value}n`;
  if (Prisma.Decimal.isDecimal(value)) return `decimal:${value.toFixed()}`;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

interface Delegate {
  create(args: { data: object }): Promise<Record<string, unknown>>;
  findUniqueOrThrow(args: { where: object }): Promise<Record<string, unknown>>;
}

describe("the generated client against the migrated database", () => {
  const written = new Map<string, Set<string>>();
  let graph: Awaited<ReturnType<typeof createOneOfEach>>;

  const roundTrip: RoundTrip = async (modelName, data) => {
    const model = schema.models.find((m) => m.name === modelName)!;
    const key = modelName.charAt(0).toLowerCase() + modelName.slice(1);
    const delegate = (db.prisma as unknown as Record<string, Delegate>)[key]!;
    const created = await delegate.create({ data });
    const where = Object.fromEntries(model.id.map((f) => [f, created[f]]));
    const read = await delegate.findUniqueOrThrow({ where });
    expect(plain(read), modelName).toEqual(plain(created));
    expect(plain(read), modelName).toMatchObject(plain(data) as object);
    const seen = written.get(modelName) ?? new Set<string>();
    for (const [k, v] of Object.entries(data)) if (v !== null && v !== undefined) seen.add(k);
    written.set(modelName, seen);
    return read;
  };

  it("writes and reads back a row of every model, every column set at least once", async () => {
    graph = await createOneOfEach(roundTrip);
    expect([...written.keys()].sort()).toEqual(schema.models.map((m) => m.name).sort());
    expect(Object.values(Prisma.ModelName).sort()).toEqual(schema.models.map((m) => m.name).sort());
    const unwritten = schema.models.flatMap((m) =>
      m.fields
        .filter((f) => f.defaultValue === undefined && !written.get(m.name)!.has(f.name))
        .map((f) => `${m.name}.${f.name}`),
    );
    expect(unwritten).toEqual([]);
  });

  it("fills the database defaults for raw SQL writers (COPY) that leave them out", async () => {
    const {
      rows: [event],
    } = await db.pool.query<{ seq: string; occurred_at: Date }>(
      `INSERT INTO audit_event (actor, action, payload, payload_hash, prev_hash, hash)
       VALUES ('system', 'test.default', '{}', $1, $2, $3) RETURNING seq::text, occurred_at`,
      [hash32(0xd1), hash32(0xaa2), hash32(0xd2)],
    );
    expect(BigInt(event!.seq)).toBeGreaterThan(graph.auditEvent.seq as bigint);
    expect(event!.occurred_at).toBeInstanceOf(Date);
    const {
      rows: [incident],
    } = await db.pool.query(
      `INSERT INTO incident (model_id, bad_version_id, window_from, reason, operator, statement)
       SELECT model_id, bad_version_id, window_from, 'minimal', operator, '{}' FROM incident WHERE id = $1
       RETURNING id, evidence_links, status, created_at`,
      [graph.proposed.id],
    );
    expect(incident).toMatchObject({ evidence_links: [], status: "proposed" });
    expect(incident.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(incident.created_at).toBeInstanceOf(Date);
  });

  it("follows every relation of an inference, an incident and an agent action", async () => {
    const inference = await db.prisma.inference.findUniqueOrThrow({
      where: { id: graph.inference.id as string },
      include: {
        model: true,
        modelVersion: true,
        receipt: true,
        settlement: { include: { leaves: true, source: true } },
        batchLeaf: true,
        hubEvent: true,
        allocations: { include: { payment: true } },
        findings: true,
        disputes: { include: { comments: true } },
      },
    });
    expect(inference.model.name).toBe("llm:openai/gpt-4.1");
    expect(inference.receipt?.outputHash).toBe(inference.outputHash);
    expect(inference.settlement?.leaves.map((l) => l.id)).toEqual([inference.batchLeafId]);
    expect(inference.hubEvent?.eventName).toBe("LLMCompletionEvent");
    expect(inference.allocations[0]?.payment.value.toFixed()).toBe((2n ** 256n - 1n).toString());
    expect(inference.findings).toHaveLength(1);
    expect(inference.disputes[0]?.comments[0]?.statusTo).toBe("under_review");

    const incident = await db.prisma.incident.findUniqueOrThrow({
      where: { id: graph.incident.id as string },
      include: {
        supersedes: { include: { supersededBy: true } },
        badVersion: true,
        rolledBackTo: true,
        proposedFromEvent: true,
        blastRadii: true,
      },
    });
    expect(incident.supersedes?.supersededBy?.id).toBe(incident.id);
    expect(incident.badVersion.key).toBe(`pcr:${incident.badVersion.pcrHash}`);
    expect(incident.rolledBackTo?.contentId).toBeTruthy();
    expect(incident.proposedFromEvent?.eventName).toBe("PCRApproved");
    expect(incident.blastRadii).toHaveLength(1);

    const trade = await db.prisma.agentAction.findUniqueOrThrow({
      where: { id: graph.trade.id as string },
      include: { citations: true, citedBy: { include: { action: true } } },
    });
    expect(trade.citations.map((c) => c.outputHash)).toEqual([hash32(0x0a)]);
    expect(trade.citedBy.map((c) => c.action.kind)).toEqual(["memory_write"]);
  });

  it("refuses a malformed hash or address through the CHECK constraints", async () => {
    const base = {
      ...logColumns(10740, 0x100, 0),
      blockTime: new Date("2026-02-01T10:00:00.000Z"),
      sourceId: graph.sourceId,
      kind: "individual" as const,
    };
    await expect(
      db.prisma.settlement.create({
        data: { ...base, txHash: hash32(0xabc).toUpperCase().replace("0X", "0x") },
      }),
    ).rejects.toThrow(/settlement_tx_hash_check/);
    await expect(
      db.prisma.settlement.create({ data: { ...base, outputHash: hash32(1).slice(2) } }),
    ).rejects.toThrow(/settlement_output_hash_check/);
    await expect(
      db.prisma.settlement.create({ data: { ...base, ethAddress: `${address(1)}00` } }),
    ).rejects.toThrow(/settlement_eth_address_check/);
    await expect(
      db.prisma.batchLeaf.update({
        where: { id: graph.inference.batchLeafId as string },
        data: { proof: ["0x12"] },
      }),
    ).rejects.toThrow(/batch_leaf_proof_check/);
  });

  it("keeps one live row per (chain, tx, log), old forks beside it, and one row per batch leaf", async () => {
    const base = {
      ...logColumns(10740, 0x200, 5),
      orphanedAt: null,
      blockTime: new Date("2026-02-01T10:00:00.000Z"),
      sourceId: graph.sourceId,
      kind: "individual" as const,
    };
    const first = await db.prisma.settlement.create({ data: base });
    await expect(db.prisma.settlement.create({ data: base })).rejects.toMatchObject({
      code: "P2002",
    });
    // The same log re-included in another block (a reorg) while the first is still live.
    const reincluded = { ...base, blockHash: hash32(0x2001), blockNumber: base.blockNumber + 1n };
    await expect(db.prisma.settlement.create({ data: reincluded })).rejects.toThrow(
      /settlement_live_log_key/,
    );
    await db.prisma.settlement.update({
      where: { id: first.id },
      data: { orphanedAt: new Date() },
    });
    await db.prisma.settlement.create({ data: reincluded });
    const leaf = await db.prisma.batchLeaf.findUniqueOrThrow({
      where: { id: graph.inference.batchLeafId as string },
    });
    const copy = { ...leaf, id: undefined };
    await expect(db.prisma.batchLeaf.create({ data: copy })).rejects.toThrow(
      /batch_leaf_settlement_id_leaf_index_key/,
    );
    await db.prisma.batchLeaf.create({ data: { ...copy, leafIndex: 1 } });
  });

  it("lets a citation point at exactly one target, once per action", async () => {
    const actionId = graph.memory.id as string;
    const both = { actionId, outputHash: hash32(0xc1), citedActionId: graph.trade.id as string };
    await expect(db.prisma.agentActionCitation.create({ data: both })).rejects.toThrow(
      /agent_action_citation_target_check/,
    );
    await expect(db.prisma.agentActionCitation.create({ data: { actionId } })).rejects.toThrow(
      /agent_action_citation_target_check/,
    );
    await expect(
      db.prisma.agentActionCitation.create({ data: { actionId, citedActionId: actionId } }),
    ).rejects.toThrow(/agent_action_citation_not_self_check/);
    await expect(
      db.prisma.agentActionCitation.create({
        data: { actionId, citedActionId: graph.trade.id as string },
      }),
    ).rejects.toThrow(/agent_action_citation_action_id_cited_action_id_key/);
    await db.prisma.agentActionCitation.create({ data: { actionId, outputHash: hash32(0xc2) } });
    await expect(
      db.prisma.agentActionCitation.create({ data: { actionId, outputHash: hash32(0xc2) } }),
    ).rejects.toThrow(/agent_action_citation_action_id_output_hash_key/);
  });

  it("keeps audit_event append-only: UPDATE, DELETE and TRUNCATE raise", async () => {
    const seq = graph.auditEvent.seq as bigint;
    await expect(
      db.pool.query("UPDATE audit_event SET actor = 'mallory' WHERE seq = $1", [seq]),
    ).rejects.toThrow(/audit_event is append-only/);
    await expect(db.pool.query("DELETE FROM audit_event WHERE seq = $1", [seq])).rejects.toThrow(
      /audit_event is append-only/,
    );
    await expect(db.pool.query("TRUNCATE audit_event CASCADE")).rejects.toThrow(
      /audit_event is append-only/,
    );
    await expect(
      db.prisma.auditEvent.update({ where: { seq }, data: { actor: "mallory" } }),
    ).rejects.toThrow(/append-only/);
    const after = await db.prisma.auditEvent.findUniqueOrThrow({ where: { seq } });
    expect(after.actor).toBe(graph.auditEvent.actor);
  });
});
