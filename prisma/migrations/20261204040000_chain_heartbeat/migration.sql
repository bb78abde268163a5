-- Honest health (issue 16): the indexer runs one loop per chain and each loop keeps a row
-- here. beat_at is written every 2 s by the indexer process while the chain's loop runs (a
-- dead or hung process stops writing it); synced_at each time the loop reached the head or
-- committed a range (a chain whose RPC is unreachable stops moving it). Readiness and the home
-- page compare both with the database clock.
CREATE TABLE "chain_heartbeat" (
    "chain_id" INTEGER NOT NULL,
    "indexer_pid" INTEGER,
    "started_at" TIMESTAMPTZ(3),
    "beat_at" TIMESTAMPTZ(3),
    "synced_at" TIMESTAMPTZ(3),
    "head_block" BIGINT,
    "rpc_reachable" BOOLEAN,
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(3),
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "stopped_at" TIMESTAMPTZ(3),
    "stopped_reason" TEXT,

    CONSTRAINT "chain_heartbeat_pkey" PRIMARY KEY ("chain_id")
);

ALTER TABLE "chain_heartbeat" ADD CONSTRAINT "chain_heartbeat_chain_id_fkey"
    FOREIGN KEY ("chain_id") REFERENCES "chain"("id") ON DELETE CASCADE ON UPDATE CASCADE;
