/**
 * A small reader of prisma/schema.prisma's text, enough to state what the database must
 * contain (tables, columns, types, defaults, keys, indexes, foreign keys, documented
 * CHECKs) without Prisma's schema engine, which these machines cannot download.
 * It understands the subset of the language this schema uses and throws on anything else.
 */

export interface SchemaField {
  name: string;
  column: string;
  /** Scalar type name or enum name. */
  type: string;
  optional: boolean;
  list: boolean;
  isEnum: boolean;
  /** The `@db.X(...)` attribute without `@db.`, e.g. `Timestamptz(3)`. */
  nativeType?: string;
  /** The raw argument of `@default(...)`. */
  defaultValue?: string;
  updatedAt: boolean;
  /** "hash32" | "address" | "hex bytes" | "base64" when its `///` comment says CHECK <kind>. */
  check?: string;
}

export interface SchemaRelation {
  name: string;
  target: string;
  fields: string[];
  references: string[];
  onDelete?: string;
}

export interface SchemaModel {
  name: string;
  table: string;
  fields: SchemaField[];
  relations: SchemaRelation[];
  id: string[];
  uniques: string[][];
  indexes: string[][];
}

export interface SchemaEnum {
  name: string;
  dbName: string;
  values: string[];
}

export interface ParsedSchema {
  models: SchemaModel[];
  enums: SchemaEnum[];
}

const BLOCK = /^(model|enum)\s+(\w+)\s*\{([\s\S]*?)^\}/gm;
const FIELD = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/;
const CHECK_DOC = /CHECK (hash32|address|hex bytes|base64)\b/;

export function parsePrismaSchema(text: string): ParsedSchema {
  const blocks = [...text.matchAll(BLOCK)].map((m) => ({
    kind: m[1]!,
    name: m[2]!,
    body: m[3]!,
  }));
  const enumNames = new Set(blocks.filter((b) => b.kind === "enum").map((b) => b.name));
  const modelNames = new Set(blocks.filter((b) => b.kind === "model").map((b) => b.name));
  return {
    enums: blocks.filter((b) => b.kind === "enum").map((b) => parseEnum(b.name, b.body)),
    models: blocks
      .filter((b) => b.kind === "model")
      .map((b) => parseModel(b.name, b.body, enumNames, modelNames)),
  };
}

function parseEnum(name: string, body: string): SchemaEnum {
  const lines = meaningfulLines(body).map((l) => l.text);
  return {
    name,
    dbName: mapOf(lines.find((l) => l.startsWith("@@map")) ?? "") ?? name,
    values: lines.filter((l) => /^\w+$/.test(l)),
  };
}

function parseModel(
  name: string,
  body: string,
  enumNames: Set<string>,
  modelNames: Set<string>,
): SchemaModel {
  const model: SchemaModel = {
    name,
    table: name,
    fields: [],
    relations: [],
    id: [],
    uniques: [],
    indexes: [],
  };
  for (const { text, doc } of meaningfulLines(body)) {
    if (text.startsWith("@@")) {
      blockAttribute(model, text);
      continue;
    }
    const m = FIELD.exec(text);
    if (!m) throw new Error(`Unreadable line in model ${name}: ${text}`);
    const [, fieldName, type, list, optional, attrs] = m as unknown as string[];
    if (modelNames.has(type!)) {
      const relation = /@relation\(([^)]*)\)/.exec(attrs!)?.[1] ?? "";
      const fields = listArg(relation, "fields");
      if (fields.length) {
        model.relations.push({
          name: fieldName!,
          target: type!,
          fields,
          references: listArg(relation, "references"),
          onDelete: /onDelete:\s*(\w+)/.exec(relation)?.[1],
        });
      }
      continue;
    }
    const field: SchemaField = {
      name: fieldName!,
      column: mapOf(attrs!) ?? fieldName!,
      type: type!,
      optional: Boolean(optional),
      list: Boolean(list),
      isEnum: enumNames.has(type!),
      nativeType: /@db\.(\w+(?:\([^)]*\))?)/.exec(attrs!)?.[1],
      defaultValue: defaultOf(attrs!),
      updatedAt: /@updatedAt\b/.test(attrs!),
      check: CHECK_DOC.exec(doc)?.[1],
    };
    model.fields.push(field);
    if (/@id\b/.test(attrs!)) model.id = [field.name];
    if (/@unique\b/.test(attrs!)) model.uniques.push([field.name]);
  }
  return model;
}

function blockAttribute(model: SchemaModel, text: string): void {
  if (text.startsWith("@@map")) model.table = mapOf(text)!;
  else if (text.startsWith("@@unique")) model.uniques.push(firstList(text));
  else if (text.startsWith("@@index")) model.indexes.push(firstList(text));
  else if (text.startsWith("@@id")) model.id = firstList(text);
  else throw new Error(`Unknown block attribute in model ${model.name}: ${text}`);
}

/** Non-empty, non-comment lines, each with the `///` doc comment just above it. */
function meaningfulLines(body: string): { text: string; doc: string }[] {
  const out: { text: string; doc: string }[] = [];
  let doc: string[] = [];
  for (const raw of body.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("///")) {
      doc.push(line.slice(3).trim());
    } else if (line === "") {
      doc = [];
    } else if (!line.startsWith("//")) {
      out.push({ text: line, doc: doc.join(" ") });
      doc = [];
    }
  }
  return out;
}

function mapOf(text: string): string | undefined {
  return /@{1,2}map\("([^"]+)"\)/.exec(text)?.[1];
}

/** The argument of `@default(...)`, with its nested parentheses balanced. */
function defaultOf(attrs: string): string | undefined {
  const start = attrs.indexOf("@default(");
  if (start < 0) return undefined;
  const from = start + "@default(".length;
  let depth = 1;
  for (let i = from; i < attrs.length; i++) {
    if (attrs[i] === "(") depth++;
    if (attrs[i] === ")" && --depth === 0) return attrs.slice(from, i);
  }
  throw new Error(`Unbalanced @default in: ${attrs}`);
}

function firstList(text: string): string[] {
  const inner = /\[([^\]]*)\]/.exec(text)?.[1];
  if (inner === undefined) throw new Error(`Expected a field list in ${text}`);
  return splitList(inner);
}

function listArg(args: string, key: string): string[] {
  const inner = new RegExp(`${key}:\\s*\\[([^\\]]*)\\]`).exec(args)?.[1];
  return inner === undefined ? [] : splitList(inner);
}

function splitList(inner: string): string[] {
  return inner
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
