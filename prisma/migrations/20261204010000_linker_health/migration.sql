-- Linker health (issue 15): no single row can fail a linker pass. A receipt a step cannot
-- process is set aside (linker_aside) with the step and the error, shown as an
-- "unprocessable_evidence" finding, and left out of that step until the receipt changes
-- (its fingerprint) or its retry time comes. linker_health keeps the last pass, the last
-- successful pass and the last error for /api/v1/status and the home page.
-- Note: the new enum value is only added here; using it in this transaction would fail.
ALTER TYPE "finding_kind" ADD VALUE 'unprocessable_evidence';

CREATE TABLE "linker_aside" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "step" TEXT NOT NULL,
    "receipt_id" UUID NOT NULL,
    "error" TEXT NOT NULL,
    "sqlstate" TEXT,
    "fingerprint" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "set_aside_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retry_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "linker_aside_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "linker_aside_step_receipt_id_key" ON "linker_aside"("step", "receipt_id");

CREATE INDEX "linker_aside_receipt_id_idx" ON "linker_aside"("receipt_id");

ALTER TABLE "linker_aside" ADD CONSTRAINT "linker_aside_receipt_id_fkey"
    FOREIGN KEY ("receipt_id") REFERENCES "receipt"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "linker_health" (
    "id" TEXT NOT NULL,
    "last_pass_at" TIMESTAMPTZ(3),
    "last_success_at" TIMESTAMPTZ(3),
    "last_duration_ms" INTEGER,
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(3),
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "linker_health_pkey" PRIMARY KEY ("id")
);
