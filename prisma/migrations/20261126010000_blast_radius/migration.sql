-- The blast radius reads the time of every agent action it reaches (tens of thousands for a
-- large incident). Read from the table, that is a scan of rows carrying their signed
-- statements; this index answers it from the index alone. Prisma cannot declare INCLUDE, so
-- the schema test lists it among the SQL-only indexes.
CREATE INDEX "agent_action_id_occurred_at_idx" ON "agent_action"("id") INCLUDE ("occurred_at");
