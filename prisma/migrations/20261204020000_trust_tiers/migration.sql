-- Trust tiers (issue 15, point 4). Evidence is kept whoever sends it; these say what counts.

-- Receipts of an enclave no indexed registry lists make no model, version or inference; each
-- such enclave is one finding. A model name that only looks like a known one (same confusable
-- skeleton, other bytes) is a finding too, and makes no model of its own.
-- Note: a value added to an enum cannot be used in the same transaction, and it is not here.
ALTER TYPE "finding_kind" ADD VALUE IF NOT EXISTS 'unregistered_enclave';
ALTER TYPE "finding_kind" ADD VALUE IF NOT EXISTS 'model_lookalike';

-- Receipt model names the linker found to look like a known model. `model_id` is set only for
-- a look-alike that already had a model row (indexed before this check): that row stays, for
-- its permalinks, but is hidden from the model list.
CREATE TABLE "model_lookalike" (
    "name" TEXT NOT NULL,
    "known_model_id" UUID NOT NULL,
    "model_id" UUID,
    "skeleton" TEXT NOT NULL,
    "detected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_lookalike_pkey" PRIMARY KEY ("name")
);

ALTER TABLE "model_lookalike" ADD CONSTRAINT "model_lookalike_known_model_id_fkey"
    FOREIGN KEY ("known_model_id") REFERENCES "model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "model_lookalike" ADD CONSTRAINT "model_lookalike_model_id_fkey"
    FOREIGN KEY ("model_id") REFERENCES "model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE UNIQUE INDEX "model_lookalike_model_id_key" ON "model_lookalike"("model_id");

-- Known agents: listed in the sources config, or added by an admin with a label. Everyone
-- else's actions are kept and shown, apart, as "unknown agents". A retired agent is unknown.
CREATE TABLE "known_agent" (
    "address" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "origin" TEXT NOT NULL,
    "added_by" TEXT NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),
    "retired_by" TEXT,

    CONSTRAINT "known_agent_pkey" PRIMARY KEY ("address")
);

ALTER TABLE "known_agent"
    ADD CONSTRAINT "known_agent_address_check" CHECK ("address" ~ '^0x[0-9a-f]{40}$'),
    ADD CONSTRAINT "known_agent_origin_check" CHECK ("origin" IN ('config', 'admin')),
    ADD CONSTRAINT "known_agent_label_check" CHECK (length(btrim("label")) BETWEEN 1 AND 80),
    ADD CONSTRAINT "known_agent_retired_check" CHECK (("retired_at" IS NULL) = ("retired_by" IS NULL));
