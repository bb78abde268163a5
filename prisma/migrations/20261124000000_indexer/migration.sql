-- The indexer (issue 4).
--
-- A reorg can put the same transaction, with the same log index, into a new block. The old
-- row must stay (marked orphaned: permalinks to it say so) and the new one must be written,
-- so a chain-derived row is now identified by (chain, block hash, log index), and the
-- database itself guarantees that at most one *live* row exists per (chain, tx, log index).

DROP INDEX "registry_event_chain_id_tx_hash_log_index_key";
CREATE UNIQUE INDEX "registry_event_chain_id_block_hash_log_index_key" ON "registry_event"("chain_id", "block_hash", "log_index");
CREATE UNIQUE INDEX "registry_event_live_log_key" ON "registry_event"("chain_id", "tx_hash", "log_index") WHERE "orphaned_at" IS NULL;

DROP INDEX "enclave_chain_id_tx_hash_log_index_key";
CREATE UNIQUE INDEX "enclave_chain_id_block_hash_log_index_key" ON "enclave"("chain_id", "block_hash", "log_index");
CREATE UNIQUE INDEX "enclave_live_log_key" ON "enclave"("chain_id", "tx_hash", "log_index") WHERE "orphaned_at" IS NULL;

DROP INDEX "settlement_chain_id_tx_hash_log_index_key";
CREATE UNIQUE INDEX "settlement_chain_id_block_hash_log_index_key" ON "settlement"("chain_id", "block_hash", "log_index");
CREATE UNIQUE INDEX "settlement_live_log_key" ON "settlement"("chain_id", "tx_hash", "log_index") WHERE "orphaned_at" IS NULL;

DROP INDEX "hub_event_chain_id_tx_hash_log_index_key";
CREATE UNIQUE INDEX "hub_event_chain_id_block_hash_log_index_key" ON "hub_event"("chain_id", "block_hash", "log_index");
CREATE UNIQUE INDEX "hub_event_live_log_key" ON "hub_event"("chain_id", "tx_hash", "log_index") WHERE "orphaned_at" IS NULL;

DROP INDEX "workflow_event_chain_id_tx_hash_log_index_key";
CREATE UNIQUE INDEX "workflow_event_chain_id_block_hash_log_index_key" ON "workflow_event"("chain_id", "block_hash", "log_index");
CREATE UNIQUE INDEX "workflow_event_live_log_key" ON "workflow_event"("chain_id", "tx_hash", "log_index") WHERE "orphaned_at" IS NULL;

DROP INDEX "payment_chain_id_tx_hash_log_index_key";
CREATE UNIQUE INDEX "payment_chain_id_block_hash_log_index_key" ON "payment"("chain_id", "block_hash", "log_index");
CREATE UNIQUE INDEX "payment_live_log_key" ON "payment"("chain_id", "tx_hash", "log_index") WHERE "orphaned_at" IS NULL;

-- An enclave re-registered after a reorg is a new row; only one live row per registry and key.
DROP INDEX "enclave_chain_id_registry_address_tee_id_key";
CREATE UNIQUE INDEX "enclave_live_tee_key" ON "enclave"("chain_id", "registry_address", "tee_id") WHERE "orphaned_at" IS NULL;

-- Leaves belong to their settlement row (unique per settlement and leaf index already).
DROP INDEX "batch_leaf_chain_id_tx_hash_log_index_leaf_index_key";

-- What the status page shows: each chain's head as last seen, each source's last error and
-- how many unknown events it emitted.
ALTER TABLE "chain" ADD COLUMN "head_block" BIGINT, ADD COLUMN "head_seen_at" TIMESTAMPTZ(3);
ALTER TABLE "source" ADD COLUMN "last_error" TEXT,
  ADD COLUMN "last_error_at" TIMESTAMPTZ(3),
  ADD COLUMN "unknown_events" BIGINT NOT NULL DEFAULT 0;

-- The block's time on the rows that had none (timelines, approvals, hub inferences need it).
ALTER TABLE "registry_event" ADD COLUMN "block_time" TIMESTAMPTZ(3) NOT NULL;
ALTER TABLE "settlement" ADD COLUMN "block_time" TIMESTAMPTZ(3) NOT NULL;
ALTER TABLE "hub_event" ADD COLUMN "block_time" TIMESTAMPTZ(3) NOT NULL;
ALTER TABLE "workflow_event" ADD COLUMN "block_time" TIMESTAMPTZ(3) NOT NULL;

-- Batch expansion retries: when it was last tried.
ALTER TABLE "settlement" ADD COLUMN "expansion_attempted_at" TIMESTAMPTZ(3);
