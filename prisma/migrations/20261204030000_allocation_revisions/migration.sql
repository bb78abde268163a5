-- Payments right whenever evidence arrives (issue 15, point 5).
--
-- A session's payment covers every receipt of the session, including receipts posted after
-- the payment was linked: the linker recomputes that session's allocations and records each
-- computation as a numbered revision (the previous allocations stay in the revision that
-- made them). Where the gateway reported a per-request amount (the response's
-- `opengradient.cost_opg`, or the x402 PAYMENT-RESPONSE `amount`), it is kept on the receipt
-- and carried to the inference, and the allocation follows it.

-- The per-request amount (token base units) and where it came from.
ALTER TABLE "receipt"
    ADD COLUMN "request_amount" DECIMAL(78,0),
    ADD COLUMN "request_amount_source" TEXT;

ALTER TABLE "receipt"
    ADD CONSTRAINT "receipt_request_amount_check" CHECK ("request_amount" >= 0),
    ADD CONSTRAINT "receipt_request_amount_source_check" CHECK (
        "request_amount_source" IN ('opengradient.cost_opg', 'x402_payment_response.amount')
    ),
    ADD CONSTRAINT "receipt_request_amount_pair_check" CHECK (
        ("request_amount" IS NULL) = ("request_amount_source" IS NULL)
    );

-- payment_checked_at: when the linker last placed the inference in its session's payment
-- (or decided that payment cannot cover it). NULL means the session waits for the linker:
-- a new receipt, or a payment released by a reorg. Only those rows are in the partial index,
-- so a pass looks at the sessions whose membership changed, not at every session.
ALTER TABLE "inference"
    ADD COLUMN "request_amount" DECIMAL(78,0),
    ADD COLUMN "payment_checked_at" TIMESTAMPTZ(3);

ALTER TABLE "inference"
    ADD CONSTRAINT "inference_request_amount_check" CHECK ("request_amount" >= 0);

CREATE INDEX "inference_payment_pending_idx" ON "inference"("session_id")
    WHERE "payment_checked_at" IS NULL AND "session_id" IS NOT NULL AND "payer" IS NOT NULL
      AND "orphaned_at" IS NULL;

-- The payment's current allocation revision (0: never allocated) and how many inferences it
-- covers (0 again once a reorg orphaned the payment and released its session).
ALTER TABLE "payment"
    ADD COLUMN "allocation_revision" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "allocated_count" INTEGER NOT NULL DEFAULT 0;

CREATE INDEX "payment_orphaned_allocated_idx" ON "payment"("id")
    WHERE "orphaned_at" IS NOT NULL AND "allocated_count" > 0;

-- The revision that last set this allocation row.
ALTER TABLE "payment_allocation" ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "allocation_revision" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "payment_id" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "inference_count" INTEGER NOT NULL,
    "allocations" JSONB NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "allocation_revision_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "allocation_revision_payment_id_revision_key" ON "allocation_revision"("payment_id", "revision");

ALTER TABLE "allocation_revision" ADD CONSTRAINT "allocation_revision_payment_id_fkey"
    FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "allocation_revision"
    ADD CONSTRAINT "allocation_revision_revision_check" CHECK ("revision" >= 1),
    ADD CONSTRAINT "allocation_revision_reason_check" CHECK ("reason" IN ('payment_linked', 'receipt_joined', 'payment_restored', 'reallocated')),
    ADD CONSTRAINT "allocation_revision_method_check" CHECK ("method" IN ('per_request_amount', 'per_request_amount_scaled', 'session_equal_split')),
    ADD CONSTRAINT "allocation_revision_inference_count_check" CHECK ("inference_count" >= 1),
    ADD CONSTRAINT "allocation_revision_allocations_check" CHECK (jsonb_typeof("allocations") = 'array');

-- A receipt timestamped after its session's payment settled: an upto session refuses new
-- cost once it is settling, so that payment cannot cover it.
ALTER TYPE "finding_kind" ADD VALUE 'receipt_after_settlement' BEFORE 'other';

-- Backfill: allocations made before this migration are revision 1 of their payment.
UPDATE "payment" p
   SET "allocation_revision" = 1, "allocated_count" = a.n
  FROM (SELECT "payment_id", count(*)::int AS n FROM "payment_allocation" GROUP BY "payment_id") a
 WHERE a."payment_id" = p."id";

INSERT INTO "allocation_revision" ("payment_id", "revision", "reason", "method", "inference_count", "allocations", "recorded_at")
SELECT a."payment_id", 1, 'payment_linked', min(a."method"), count(*)::int,
       jsonb_agg(jsonb_build_object('inferenceId', a."inference_id", 'amount', a."amount"::text) ORDER BY a."inference_id"),
       min(a."created_at")
  FROM "payment_allocation" a
 WHERE a."method" IN ('per_request_amount', 'per_request_amount_scaled', 'session_equal_split')
 GROUP BY a."payment_id";

-- Inferences already holding a share of a live payment are placed; the rest of every session
-- (the late receipts) wait for the next linker pass, which recomputes their session.
UPDATE "inference" i SET "payment_checked_at" = a."created_at"
  FROM "payment_allocation" a JOIN "payment" p ON p."id" = a."payment_id" AND p."orphaned_at" IS NULL
 WHERE a."inference_id" = i."id";
