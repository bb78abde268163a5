-- Disputes (issue 7): a thread entry can also record linking the dispute to an incident
-- (or unlinking it), with the operator's note as its body. The incident named is kept on
-- the entry, so the thread shows which incident was linked even after a later change.
ALTER TABLE "dispute_comment" ADD COLUMN "incident_id" UUID;

ALTER TABLE "dispute_comment" ADD CONSTRAINT "dispute_comment_incident_id_fkey"
    FOREIGN KEY ("incident_id") REFERENCES "incident"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

CREATE INDEX "dispute_comment_incident_id_idx" ON "dispute_comment"("incident_id");

ALTER TABLE "dispute_comment"
    DROP CONSTRAINT "dispute_comment_kind_check",
    DROP CONSTRAINT "dispute_comment_status_check";

ALTER TABLE "dispute_comment"
    ADD CONSTRAINT "dispute_comment_kind_check" CHECK ("kind" IN ('comment', 'status_change', 'incident_link')),
    ADD CONSTRAINT "dispute_comment_status_check" CHECK (
        ("kind" = 'status_change') = ("status_to" IS NOT NULL)
        AND ("kind" = 'status_change' OR "status_from" IS NULL)
        AND ("kind" = 'incident_link' OR "incident_id" IS NULL)
    );

-- The list orders by latest activity (every comment, status change and link bumps it).
CREATE INDEX "dispute_updated_at_id_idx" ON "dispute"("updated_at", "id");
