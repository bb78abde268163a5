-- Operators mark rollbacks (issue 6).
--
-- Incidents are signed statements, and like the audit log they are append-only: a
-- correction or a confirmation is a new incident that supersedes the old one. A proposal
-- (from an on-chain PCRRevoked event) has no operator, signature or digest until an
-- operator confirms it, which is a new signed incident superseding the proposal.

ALTER TABLE "incident" ALTER COLUMN "operator" DROP NOT NULL;

-- The EIP-712 digest of the signed statement. Unique: replaying a signed statement is
-- refused by the database as well as by the route.
ALTER TABLE "incident" ADD COLUMN "statement_digest" TEXT;
CREATE UNIQUE INDEX "incident_statement_digest_key" ON "incident"("statement_digest");

ALTER TABLE "incident"
    ADD CONSTRAINT "incident_statement_digest_check" CHECK ("statement_digest" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "incident_signed_check" CHECK (
        ("status" = 'proposed') = ("signature" IS NULL)
        AND ("signature" IS NULL) = ("operator" IS NULL)
        AND ("signature" IS NULL) = ("statement_digest" IS NULL)
    );

-- One open proposal per (revocation event, model): the indexer may run its pass again.
CREATE UNIQUE INDEX "incident_proposal_key" ON "incident"("proposed_from_event_id", "model_id")
    WHERE "status" = 'proposed';

-- Incidents and stored blast radii refuse UPDATE and DELETE, as audit_event does. (No
-- TRUNCATE trigger here: emptying the indexed data, which tests and a full re-index do,
-- cascades through incident's foreign keys.)
CREATE FUNCTION "append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Record a new row (a superseding incident, a new computation) instead.';
END;
$$;

CREATE TRIGGER "incident_no_update_delete"
    BEFORE UPDATE OR DELETE ON "incident"
    FOR EACH ROW EXECUTE FUNCTION "append_only"();
CREATE TRIGGER "blast_radius_no_update_delete"
    BEFORE UPDATE OR DELETE ON "blast_radius"
    FOR EACH ROW EXECUTE FUNCTION "append_only"();
