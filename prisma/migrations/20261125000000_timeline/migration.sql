-- Timelines and provenance pages (issue 5).
--
-- A model's timeline counts requests and OPG per version per time bucket over up to months.
-- Counting millions of inference rows per page view cannot meet the page's budget, so the
-- database keeps an hourly roll-up, and keeps it right itself: statement-level triggers on
-- inference and payment_allocation recompute every (model, UTC hour) a statement touched,
-- from the rows as they now are. Recomputing (instead of adding deltas) makes the roll-up
-- correct whatever the writer does: linker passes, reorg marks, COPY, or a hand-run UPDATE.

CREATE TABLE "inference_rollup" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "model_id" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "model_version_id" UUID,
    "signature_status" "signature_status" NOT NULL,
    "orphaned" BOOLEAN NOT NULL,
    "requests" INTEGER NOT NULL,
    "paid" DECIMAL(78,0) NOT NULL,

    CONSTRAINT "inference_rollup_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "inference_rollup_model_id_hour_idx" ON "inference_rollup"("model_id", "hour");
ALTER TABLE "inference_rollup" ADD CONSTRAINT "inference_rollup_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "inference_rollup" ADD CONSTRAINT "inference_rollup_model_version_id_fkey" FOREIGN KEY ("model_version_id") REFERENCES "model_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The inference list pages by (occurred_at, id) within a model, newest first; the payer
-- filter and search by payer read by payer and time.
CREATE INDEX "inference_model_id_occurred_at_id_idx" ON "inference"("model_id", "occurred_at", "id");
CREATE INDEX "inference_payer_occurred_at_idx" ON "inference"("payer", "occurred_at");
CREATE INDEX "inference_occurred_at_id_idx" ON "inference"("occurred_at", "id");
-- The enclave filter reads rows by enclave and time (the roll-up does not split by enclave).
DROP INDEX "inference_tee_id_idx";
CREATE INDEX "inference_tee_id_occurred_at_idx" ON "inference"("tee_id", "occurred_at");
-- Findings carry the model and the time of what they are about, so a timeline's markers and
-- a model's open-finding count are index reads; the list pages newest first across kinds.
ALTER TABLE "finding" ADD COLUMN "model_id" UUID, ADD COLUMN "subject_at" TIMESTAMPTZ(3);
ALTER TABLE "finding" ADD CONSTRAINT "finding_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
UPDATE "finding" f SET "model_id" = i."model_id", "subject_at" = i."occurred_at" FROM "inference" i WHERE i."id" = f."inference_id";
UPDATE "finding" f SET "subject_at" = s."block_time" FROM "settlement" s WHERE s."id" = f."settlement_id" AND f."subject_at" IS NULL;
UPDATE "finding" f SET "subject_at" = p."occurred_at" FROM "payment" p WHERE p."id" = f."payment_id" AND f."subject_at" IS NULL;
CREATE INDEX "finding_model_id_subject_at_idx" ON "finding"("model_id", "subject_at");
CREATE INDEX "finding_detected_at_idx" ON "finding"("detected_at");
CREATE INDEX "agent_action_citation_action_id_idx" ON "agent_action_citation"("action_id");

/** Recomputes the roll-up rows of the given (model, UTC hour) pairs from inference and allocations. */
-- Note: LATERAL with OFFSET 0 (which stops the planner flattening it) keeps every read an
-- index range scan per (model, hour): the planner cannot estimate an array's length, and a
-- hash join would scan the whole inference table on every statement that touches one row.
CREATE FUNCTION "refresh_inference_rollup"(p_models UUID[], p_hours TIMESTAMPTZ[]) RETURNS void
LANGUAGE sql AS $$
  WITH k AS (SELECT DISTINCT u.m, u.h FROM unnest(p_models, p_hours) AS u(m, h)),
  gone AS (DELETE FROM inference_rollup r USING k WHERE r.model_id = k.m AND r.hour = k.h)
  INSERT INTO inference_rollup (model_id, hour, model_version_id, signature_status, orphaned, requests, paid)
  SELECT k.m, k.h, x.model_version_id, x.signature_status, x.orphaned, count(*), COALESCE(sum(x.paid), 0)
    FROM k CROSS JOIN LATERAL (
           SELECT i.model_version_id, i.signature_status, i.orphaned_at IS NOT NULL AS orphaned,
                  (SELECT sum(a.amount) FROM payment_allocation a WHERE a.inference_id = i.id) AS paid
             FROM inference i
            WHERE i.model_id = k.m AND i.occurred_at >= k.h AND i.occurred_at < k.h + interval '1 hour'
           OFFSET 0) x
   GROUP BY k.m, k.h, x.model_version_id, x.signature_status, x.orphaned;
$$;

/** Statement trigger on inference: the hours of the rows before and after the statement. */
CREATE FUNCTION "inference_rollup_on_inference"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  models UUID[];
  hours TIMESTAMPTZ[];
BEGIN
  -- Note: plpgsql plans each branch on first use, so a branch naming a transition table the
  -- firing trigger lacks is never planned.
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(model_id), array_agg(h) INTO models, hours
      FROM (SELECT DISTINCT model_id, date_trunc('hour', occurred_at, 'UTC') AS h FROM new_rows) s;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(model_id), array_agg(h) INTO models, hours
      FROM (SELECT model_id, date_trunc('hour', occurred_at, 'UTC') AS h FROM new_rows
            UNION SELECT model_id, date_trunc('hour', occurred_at, 'UTC') FROM old_rows) s;
  ELSE
    SELECT array_agg(model_id), array_agg(h) INTO models, hours
      FROM (SELECT DISTINCT model_id, date_trunc('hour', occurred_at, 'UTC') AS h FROM old_rows) s;
  END IF;
  IF models IS NOT NULL THEN PERFORM refresh_inference_rollup(models, hours); END IF;
  RETURN NULL;
END $$;

/** Statement trigger on payment_allocation: the hours of the inferences paid for. */
CREATE FUNCTION "inference_rollup_on_allocation"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  models UUID[];
  hours TIMESTAMPTZ[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(model_id), array_agg(h) INTO models, hours
      FROM (SELECT DISTINCT i.model_id, date_trunc('hour', i.occurred_at, 'UTC') AS h
              FROM new_rows a CROSS JOIN LATERAL (SELECT model_id, occurred_at FROM inference WHERE id = a.inference_id) i) s;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(model_id), array_agg(h) INTO models, hours
      FROM (SELECT i.model_id, date_trunc('hour', i.occurred_at, 'UTC') AS h
              FROM (SELECT inference_id FROM new_rows UNION SELECT inference_id FROM old_rows) a
              CROSS JOIN LATERAL (SELECT model_id, occurred_at FROM inference WHERE id = a.inference_id) i
             GROUP BY 1, 2) s;
  ELSE
    SELECT array_agg(model_id), array_agg(h) INTO models, hours
      FROM (SELECT DISTINCT i.model_id, date_trunc('hour', i.occurred_at, 'UTC') AS h
              FROM old_rows a CROSS JOIN LATERAL (SELECT model_id, occurred_at FROM inference WHERE id = a.inference_id) i) s;
  END IF;
  IF models IS NOT NULL THEN PERFORM refresh_inference_rollup(models, hours); END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "inference_rollup_insert" AFTER INSERT ON "inference"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION inference_rollup_on_inference();
CREATE TRIGGER "inference_rollup_update" AFTER UPDATE ON "inference"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION inference_rollup_on_inference();
CREATE TRIGGER "inference_rollup_delete" AFTER DELETE ON "inference"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION inference_rollup_on_inference();
CREATE TRIGGER "inference_rollup_allocation_insert" AFTER INSERT ON "payment_allocation"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION inference_rollup_on_allocation();
CREATE TRIGGER "inference_rollup_allocation_update" AFTER UPDATE ON "payment_allocation"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION inference_rollup_on_allocation();
CREATE TRIGGER "inference_rollup_allocation_delete" AFTER DELETE ON "payment_allocation"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION inference_rollup_on_allocation();

-- Existing rows (a database migrated after the indexer already linked inferences).
SELECT refresh_inference_rollup(array_agg(model_id), array_agg(h))
  FROM (SELECT DISTINCT model_id, date_trunc('hour', occurred_at, 'UTC') AS h FROM inference) s;
