import type pg from "pg";
import { confusableSkeleton, isPlainAscii } from "@/lib/evidence/confusable-fold";

/** SQL: the receipt `r` was signed by an enclave a live registry row lists. */
export const REGISTERED_ENCLAVE = `EXISTS (SELECT 1 FROM enclave e WHERE e.tee_id = r.tee_id AND e.orphaned_at IS NULL)`;

interface Name {
  name: string;
  id: string | null;
  /** Model row's creation, or the first receipt's arrival for a name without a row. */
  seen: Date;
}

/**
 * Which of a group of same-skeleton names is the real one: an existing model row first, then
 * plain ASCII (a look-alike needs a character outside it), then the earliest seen.
 */
function canonicalFirst(a: Name, b: Name): number {
  return (
    Number(b.id !== null) - Number(a.id !== null) ||
    Number(isPlainAscii(b.name)) - Number(isPlainAscii(a.name)) ||
    a.seen.getTime() - b.seen.getTime() ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}

/**
 * Records receipt model names that only look like another model (same confusable skeleton,
 * other bytes) in `model_lookalike`, before models are created, so that they create none.
 * Looks at names from registered enclaves that have no model row yet, and at existing rows
 * (indexed before this check) that look like an earlier one: those keep their row, hidden.
 * Skeletons are computed here because PostgreSQL has no confusables table; the statements
 * after it only read `model_lookalike`.
 */
export async function recordModelLookalikes(db: pg.ClientBase): Promise<number> {
  const { rows } = await db.query<{ name: string; id: string | null; seen: Date }>(
    `SELECT substr(m.name, 5) AS name, m.id, m.created_at AS seen FROM model m
      WHERE m.name LIKE 'llm:%' AND NOT EXISTS (SELECT 1 FROM model_lookalike l WHERE l.model_id = m.id)
     UNION ALL
     SELECT r.model, NULL, min(r.received_at) FROM receipt r
      WHERE r.model <> '' AND ${REGISTERED_ENCLAVE}
        AND NOT EXISTS (SELECT 1 FROM model m WHERE m.name = 'llm:' || r.model)
        AND NOT EXISTS (SELECT 1 FROM model_lookalike l WHERE l.name = r.model)
      GROUP BY r.model`,
  );
  const groups = new Map<string, Name[]>();
  for (const row of rows) {
    const skeleton = confusableSkeleton(row.name);
    groups.set(skeleton, [...(groups.get(skeleton) ?? []), row]);
  }
  const found: { name: string; known: string; modelId: string | null; skeleton: string }[] = [];
  for (const [skeleton, names] of groups) {
    if (names.length < 2) continue;
    const [known, ...others] = names.sort(canonicalFirst);
    for (const other of others)
      found.push({ name: other.name, known: known!.name, modelId: other.id, skeleton });
  }
  if (found.length === 0) return 0;
  // The real name may be new too: it gets its model row now, so the look-alike can point at it.
  await db.query(
    `INSERT INTO model (name, kind) SELECT DISTINCT 'llm:' || k, 'llm' FROM unnest($1::text[]) k
     ON CONFLICT (name) DO NOTHING`,
    [found.map((f) => f.known)],
  );
  await db.query(
    `INSERT INTO model_lookalike (name, known_model_id, model_id, skeleton)
     SELECT f.name, m.id, f.model_id, f.skeleton
       FROM jsonb_to_recordset($1::jsonb) AS f(name text, known text, model_id uuid, skeleton text)
       JOIN model m ON m.name = 'llm:' || f.known
     ON CONFLICT (name) DO NOTHING`,
    [JSON.stringify(found.map((f) => ({ ...f, model_id: f.modelId })))],
  );
  return found.length;
}
