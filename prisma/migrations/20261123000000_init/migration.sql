-- Hand-written (Prisma's schema engine cannot be fetched here) to match
-- prisma/schema.prisma exactly as `prisma migrate dev` would render it; the part Prisma
-- cannot express (CHECK constraints, partial unique indexes, the append-only trigger)
-- follows at the end. tests/integration/schema.test.ts proves the two agree.

-- CreateEnum
CREATE TYPE "role" AS ENUM ('viewer', 'auditor', 'operator', 'admin');

-- CreateEnum
CREATE TYPE "signature_status" AS ENUM ('unverified', 'valid', 'invalid', 'no_key');

-- CreateEnum
CREATE TYPE "settlement_kind" AS ENUM ('individual', 'batch', 'legacy_settlement', 'legacy_batch', 'legacy_with_metadata');

-- CreateEnum
CREATE TYPE "agent_action_kind" AS ENUM ('onchain_tx', 'settings_change', 'memory_write', 'other');

-- CreateEnum
CREATE TYPE "incident_status" AS ENUM ('proposed', 'confirmed');

-- CreateEnum
CREATE TYPE "finding_kind" AS ENUM ('version_not_live', 'revoked_runtime', 'bad_signature', 'settlement_without_receipt', 'receipt_never_settled', 'payment_without_inference', 'batch_blob_missing', 'batch_root_mismatch', 'stale_after_rollback', 'other');

-- CreateEnum
CREATE TYPE "dispute_status" AS ENUM ('open', 'under_review', 'upheld', 'rejected');

-- CreateEnum
CREATE TYPE "share_scope" AS ENUM ('output', 'dispute', 'incident');

-- CreateTable
CREATE TABLE "chain" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "rpc_url" TEXT,
    "finality_depth" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chain_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "block" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "chain_id" INTEGER NOT NULL,
    "number" BIGINT NOT NULL,
    "hash" TEXT NOT NULL,
    "parent_hash" TEXT NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,
    "orphaned_at" TIMESTAMPTZ(3),

    CONSTRAINT "block_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "source" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "chain_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "abi_version" INTEGER NOT NULL,
    "from_block" BIGINT NOT NULL,
    "label" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "source_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "source_checkpoint" (
    "source_id" UUID NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "source_checkpoint_pkey" PRIMARY KEY ("source_id")
);

-- CreateTable
CREATE TABLE "registry_event" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "orphaned_at" TIMESTAMPTZ(3),
    "source_id" UUID NOT NULL,
    "event_name" TEXT NOT NULL,
    "tee_id" TEXT,
    "pcr_hash" TEXT,
    "tee_type" INTEGER,
    "version" TEXT,
    "owner" TEXT,
    "data" JSONB NOT NULL,

    CONSTRAINT "registry_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "enclave" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "orphaned_at" TIMESTAMPTZ(3),
    "source_id" UUID NOT NULL,
    "registry_address" TEXT NOT NULL,
    "tee_id" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "payment_address" TEXT,
    "endpoint" TEXT,
    "public_key" TEXT NOT NULL,
    "pcr_hash" TEXT NOT NULL,
    "tee_type" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "registered_at" TIMESTAMPTZ(3) NOT NULL,
    "last_heartbeat_at" TIMESTAMPTZ(3),
    "key_read_at_block" BIGINT NOT NULL,

    CONSTRAINT "enclave_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "runtime_image" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "chain_id" INTEGER NOT NULL,
    "pcr_hash" TEXT NOT NULL,
    "tee_type" INTEGER NOT NULL,
    "version_label" TEXT,
    "approved_at" TIMESTAMPTZ(3),
    "approved_block" BIGINT,
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_block" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "runtime_image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "display_name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_version" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "model_id" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "pcr_hash" TEXT,
    "content_id" TEXT,
    "hub_repo" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deployment" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "model_id" UUID NOT NULL,
    "model_version_id" UUID NOT NULL,
    "valid_from" TIMESTAMPTZ(3) NOT NULL,
    "valid_to" TIMESTAMPTZ(3),
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "superseded_at" TIMESTAMPTZ(3),
    "basis" TEXT NOT NULL,
    "evidence" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "deployment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "receipt" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "raw" JSONB NOT NULL,
    "content_key" TEXT NOT NULL,
    "tee_id" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "output_hash" TEXT NOT NULL,
    "tee_timestamp" BIGINT NOT NULL,
    "signature" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "session_id" TEXT,
    "payer" TEXT,
    "request_payload" JSONB,
    "reply_text" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "signature_status" "signature_status" NOT NULL DEFAULT 'unverified',
    "verification_reason" TEXT,
    "verified_at" TIMESTAMPTZ(3),

    CONSTRAINT "receipt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "settlement" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "orphaned_at" TIMESTAMPTZ(3),
    "source_id" UUID NOT NULL,
    "kind" "settlement_kind" NOT NULL,
    "tee_id" TEXT,
    "eth_address" TEXT,
    "input_hash" TEXT,
    "output_hash" TEXT,
    "timestamp" TIMESTAMPTZ(3),
    "blob_id" TEXT,
    "signature" TEXT,
    "merkle_root" TEXT,
    "batch_size" INTEGER,
    "model_info" TEXT,
    "expanded_at" TIMESTAMPTZ(3),
    "expansion_error" TEXT,

    CONSTRAINT "settlement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "batch_leaf" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "orphaned_at" TIMESTAMPTZ(3),
    "settlement_id" UUID NOT NULL,
    "leaf_index" INTEGER NOT NULL,
    "tree_index" INTEGER NOT NULL,
    "tee_id" TEXT NOT NULL,
    "input_hash" TEXT NOT NULL,
    "output_hash" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,
    "leaf_hash" TEXT NOT NULL,
    "proof" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "proof_valid" BOOLEAN NOT NULL,

    CONSTRAINT "batch_leaf_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "hub_event" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "orphaned_at" TIMESTAMPTZ(3),
    "source_id" UUID NOT NULL,
    "event_name" TEXT NOT NULL,
    "inference_id" TEXT,
    "mode" INTEGER,
    "model_cid" TEXT,
    "request" JSONB,
    "response" JSONB,

    CONSTRAINT "hub_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "workflow_event" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "orphaned_at" TIMESTAMPTZ(3),
    "source_id" UUID NOT NULL,
    "event_name" TEXT NOT NULL,
    "user_address" TEXT,
    "contract_address" TEXT,
    "end_time" DECIMAL(78,0),
    "frequency" DECIMAL(78,0),
    "data" JSONB NOT NULL,

    CONSTRAINT "workflow_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inference" (
    "id" TEXT NOT NULL,
    "model_id" UUID NOT NULL,
    "model_version_id" UUID,
    "input_hash" TEXT NOT NULL,
    "output_hash" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "tee_id" TEXT,
    "signature" TEXT,
    "signature_status" "signature_status" NOT NULL DEFAULT 'unverified',
    "verification_reason" TEXT,
    "receipt_id" UUID,
    "settlement_id" UUID,
    "batch_leaf_id" UUID,
    "hub_event_id" UUID,
    "session_id" TEXT,
    "payer" TEXT,
    "orphaned_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inference_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "chain_id" INTEGER NOT NULL,
    "block_number" BIGINT NOT NULL,
    "block_hash" TEXT NOT NULL,
    "tx_hash" TEXT NOT NULL,
    "log_index" INTEGER NOT NULL,
    "orphaned_at" TIMESTAMPTZ(3),
    "source_id" UUID NOT NULL,
    "token" TEXT NOT NULL,
    "from_address" TEXT NOT NULL,
    "to_address" TEXT NOT NULL,
    "value" DECIMAL(78,0) NOT NULL,
    "settle_event" TEXT NOT NULL,
    "authorizer" TEXT,
    "nonce" TEXT,
    "session_id" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment_allocation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "payment_id" UUID NOT NULL,
    "inference_id" TEXT NOT NULL,
    "amount" DECIMAL(78,0) NOT NULL,
    "method" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_allocation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_action" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "agent" TEXT NOT NULL,
    "chain_id" INTEGER NOT NULL,
    "kind" "agent_action_kind" NOT NULL,
    "summary" TEXT NOT NULL,
    "tx_hash" TEXT,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "statement" JSONB NOT NULL,
    "signature" TEXT NOT NULL,
    "content_key" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agent_action_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_action_citation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "action_id" UUID NOT NULL,
    "output_hash" TEXT,
    "cited_action_id" UUID,

    CONSTRAINT "agent_action_citation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incident" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "model_id" UUID NOT NULL,
    "bad_version_id" UUID NOT NULL,
    "rolled_back_to_version_id" UUID,
    "window_from" TIMESTAMPTZ(3) NOT NULL,
    "window_to" TIMESTAMPTZ(3),
    "window_chain_id" INTEGER,
    "window_from_block" BIGINT,
    "window_to_block" BIGINT,
    "reason" TEXT NOT NULL,
    "evidence_links" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "operator" TEXT NOT NULL,
    "statement" JSONB NOT NULL,
    "signature" TEXT,
    "status" "incident_status" NOT NULL DEFAULT 'proposed',
    "supersedes_id" UUID,
    "proposed_from_event_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "incident_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "blast_radius" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "incident_id" UUID NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "summary" JSONB NOT NULL,
    "result" JSONB NOT NULL,

    CONSTRAINT "blast_radius_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "finding" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" "finding_kind" NOT NULL,
    "severity" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "evidence" JSONB NOT NULL DEFAULT '{}',
    "dedupe_key" TEXT NOT NULL,
    "inference_id" TEXT,
    "settlement_id" UUID,
    "payment_id" UUID,
    "receipt_id" UUID,
    "incident_id" UUID,
    "detected_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "finding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dispute" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "output_hash" TEXT NOT NULL,
    "inference_id" TEXT,
    "opened_by" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "dispute_status" NOT NULL DEFAULT 'open',
    "incident_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dispute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dispute_comment" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "dispute_id" UUID NOT NULL,
    "author" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'comment',
    "status_from" "dispute_status",
    "status_to" "dispute_status",
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dispute_comment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_event" (
    "seq" BIGSERIAL NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "subject_type" TEXT,
    "subject_id" TEXT,
    "payload" JSONB NOT NULL,
    "payload_hash" TEXT NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "audit_checkpoint" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "upto_seq" BIGINT NOT NULL,
    "count" BIGINT NOT NULL,
    "head_hash" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "signer" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_checkpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "share_link" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "token_hash" TEXT NOT NULL,
    "scope_type" "share_scope" NOT NULL,
    "scope_id" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "share_link_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_user" (
    "address" TEXT NOT NULL,
    "role" "role" NOT NULL DEFAULT 'viewer',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("address")
);

-- CreateTable
CREATE TABLE "session" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "token_hash" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "auth_nonce" (
    "nonce" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "auth_nonce_pkey" PRIMARY KEY ("nonce")
);

-- CreateIndex
CREATE INDEX "block_chain_id_number_idx" ON "block"("chain_id", "number");

-- CreateIndex
CREATE UNIQUE INDEX "block_chain_id_hash_key" ON "block"("chain_id", "hash");

-- CreateIndex
CREATE UNIQUE INDEX "source_chain_id_address_kind_key" ON "source"("chain_id", "address", "kind");

-- CreateIndex
CREATE INDEX "registry_event_tx_hash_idx" ON "registry_event"("tx_hash");

-- CreateIndex
CREATE INDEX "registry_event_tee_id_idx" ON "registry_event"("tee_id");

-- CreateIndex
CREATE INDEX "registry_event_pcr_hash_idx" ON "registry_event"("pcr_hash");

-- CreateIndex
CREATE UNIQUE INDEX "registry_event_chain_id_tx_hash_log_index_key" ON "registry_event"("chain_id", "tx_hash", "log_index");

-- CreateIndex
CREATE INDEX "enclave_tx_hash_idx" ON "enclave"("tx_hash");

-- CreateIndex
CREATE INDEX "enclave_tee_id_idx" ON "enclave"("tee_id");

-- CreateIndex
CREATE INDEX "enclave_pcr_hash_idx" ON "enclave"("pcr_hash");

-- CreateIndex
CREATE UNIQUE INDEX "enclave_chain_id_registry_address_tee_id_key" ON "enclave"("chain_id", "registry_address", "tee_id");

-- CreateIndex
CREATE UNIQUE INDEX "enclave_chain_id_tx_hash_log_index_key" ON "enclave"("chain_id", "tx_hash", "log_index");

-- CreateIndex
CREATE UNIQUE INDEX "runtime_image_chain_id_pcr_hash_tee_type_key" ON "runtime_image"("chain_id", "pcr_hash", "tee_type");

-- CreateIndex
CREATE UNIQUE INDEX "model_name_key" ON "model"("name");

-- CreateIndex
CREATE INDEX "model_version_pcr_hash_idx" ON "model_version"("pcr_hash");

-- CreateIndex
CREATE INDEX "model_version_content_id_idx" ON "model_version"("content_id");

-- CreateIndex
CREATE UNIQUE INDEX "model_version_model_id_key_key" ON "model_version"("model_id", "key");

-- CreateIndex
CREATE INDEX "deployment_model_id_valid_from_idx" ON "deployment"("model_id", "valid_from");

-- CreateIndex
CREATE INDEX "deployment_model_id_recorded_at_idx" ON "deployment"("model_id", "recorded_at");

-- CreateIndex
CREATE INDEX "deployment_model_version_id_idx" ON "deployment"("model_version_id");

-- CreateIndex
CREATE UNIQUE INDEX "receipt_content_key_key" ON "receipt"("content_key");

-- CreateIndex
CREATE INDEX "receipt_output_hash_idx" ON "receipt"("output_hash");

-- CreateIndex
CREATE INDEX "receipt_tee_id_idx" ON "receipt"("tee_id");

-- CreateIndex
CREATE INDEX "receipt_session_id_idx" ON "receipt"("session_id");

-- CreateIndex
CREATE INDEX "settlement_tx_hash_idx" ON "settlement"("tx_hash");

-- CreateIndex
CREATE INDEX "settlement_output_hash_idx" ON "settlement"("output_hash");

-- CreateIndex
CREATE INDEX "settlement_input_hash_idx" ON "settlement"("input_hash");

-- CreateIndex
CREATE INDEX "settlement_merkle_root_idx" ON "settlement"("merkle_root");

-- CreateIndex
CREATE UNIQUE INDEX "settlement_chain_id_tx_hash_log_index_key" ON "settlement"("chain_id", "tx_hash", "log_index");

-- CreateIndex
CREATE INDEX "batch_leaf_tx_hash_idx" ON "batch_leaf"("tx_hash");

-- CreateIndex
CREATE INDEX "batch_leaf_output_hash_idx" ON "batch_leaf"("output_hash");

-- CreateIndex
CREATE INDEX "batch_leaf_input_hash_idx" ON "batch_leaf"("input_hash");

-- CreateIndex
CREATE UNIQUE INDEX "batch_leaf_chain_id_tx_hash_log_index_leaf_index_key" ON "batch_leaf"("chain_id", "tx_hash", "log_index", "leaf_index");

-- CreateIndex
CREATE UNIQUE INDEX "batch_leaf_settlement_id_leaf_index_key" ON "batch_leaf"("settlement_id", "leaf_index");

-- CreateIndex
CREATE INDEX "hub_event_tx_hash_idx" ON "hub_event"("tx_hash");

-- CreateIndex
CREATE INDEX "hub_event_inference_id_idx" ON "hub_event"("inference_id");

-- CreateIndex
CREATE INDEX "hub_event_model_cid_idx" ON "hub_event"("model_cid");

-- CreateIndex
CREATE UNIQUE INDEX "hub_event_chain_id_tx_hash_log_index_key" ON "hub_event"("chain_id", "tx_hash", "log_index");

-- CreateIndex
CREATE INDEX "workflow_event_tx_hash_idx" ON "workflow_event"("tx_hash");

-- CreateIndex
CREATE INDEX "workflow_event_contract_address_idx" ON "workflow_event"("contract_address");

-- CreateIndex
CREATE UNIQUE INDEX "workflow_event_chain_id_tx_hash_log_index_key" ON "workflow_event"("chain_id", "tx_hash", "log_index");

-- CreateIndex
CREATE UNIQUE INDEX "inference_receipt_id_key" ON "inference"("receipt_id");

-- CreateIndex
CREATE INDEX "inference_output_hash_idx" ON "inference"("output_hash");

-- CreateIndex
CREATE INDEX "inference_input_hash_idx" ON "inference"("input_hash");

-- CreateIndex
CREATE INDEX "inference_tee_id_idx" ON "inference"("tee_id");

-- CreateIndex
CREATE INDEX "inference_model_id_model_version_id_occurred_at_idx" ON "inference"("model_id", "model_version_id", "occurred_at");

-- CreateIndex
CREATE INDEX "inference_settlement_id_idx" ON "inference"("settlement_id");

-- CreateIndex
CREATE INDEX "inference_batch_leaf_id_idx" ON "inference"("batch_leaf_id");

-- CreateIndex
CREATE INDEX "inference_hub_event_id_idx" ON "inference"("hub_event_id");

-- CreateIndex
CREATE INDEX "inference_session_id_idx" ON "inference"("session_id");

-- CreateIndex
CREATE INDEX "payment_tx_hash_idx" ON "payment"("tx_hash");

-- CreateIndex
CREATE INDEX "payment_from_address_occurred_at_idx" ON "payment"("from_address", "occurred_at");

-- CreateIndex
CREATE INDEX "payment_session_id_idx" ON "payment"("session_id");

-- CreateIndex
CREATE UNIQUE INDEX "payment_chain_id_tx_hash_log_index_key" ON "payment"("chain_id", "tx_hash", "log_index");

-- CreateIndex
CREATE INDEX "payment_allocation_inference_id_idx" ON "payment_allocation"("inference_id");

-- CreateIndex
CREATE UNIQUE INDEX "payment_allocation_payment_id_inference_id_key" ON "payment_allocation"("payment_id", "inference_id");

-- CreateIndex
CREATE UNIQUE INDEX "agent_action_content_key_key" ON "agent_action"("content_key");

-- CreateIndex
CREATE INDEX "agent_action_agent_occurred_at_idx" ON "agent_action"("agent", "occurred_at");

-- CreateIndex
CREATE INDEX "agent_action_tx_hash_idx" ON "agent_action"("tx_hash");

-- CreateIndex
CREATE INDEX "agent_action_citation_output_hash_idx" ON "agent_action_citation"("output_hash");

-- CreateIndex
CREATE INDEX "agent_action_citation_cited_action_id_idx" ON "agent_action_citation"("cited_action_id");

-- CreateIndex
CREATE UNIQUE INDEX "incident_supersedes_id_key" ON "incident"("supersedes_id");

-- CreateIndex
CREATE INDEX "incident_model_id_window_from_idx" ON "incident"("model_id", "window_from");

-- CreateIndex
CREATE INDEX "incident_bad_version_id_idx" ON "incident"("bad_version_id");

-- CreateIndex
CREATE INDEX "incident_proposed_from_event_id_idx" ON "incident"("proposed_from_event_id");

-- CreateIndex
CREATE INDEX "blast_radius_incident_id_computed_at_idx" ON "blast_radius"("incident_id", "computed_at");

-- CreateIndex
CREATE UNIQUE INDEX "finding_dedupe_key_key" ON "finding"("dedupe_key");

-- CreateIndex
CREATE INDEX "finding_kind_detected_at_idx" ON "finding"("kind", "detected_at");

-- CreateIndex
CREATE INDEX "finding_inference_id_idx" ON "finding"("inference_id");

-- CreateIndex
CREATE INDEX "finding_settlement_id_idx" ON "finding"("settlement_id");

-- CreateIndex
CREATE INDEX "finding_payment_id_idx" ON "finding"("payment_id");

-- CreateIndex
CREATE INDEX "finding_receipt_id_idx" ON "finding"("receipt_id");

-- CreateIndex
CREATE INDEX "finding_incident_id_idx" ON "finding"("incident_id");

-- CreateIndex
CREATE INDEX "dispute_output_hash_idx" ON "dispute"("output_hash");

-- CreateIndex
CREATE INDEX "dispute_inference_id_idx" ON "dispute"("inference_id");

-- CreateIndex
CREATE INDEX "dispute_incident_id_idx" ON "dispute"("incident_id");

-- CreateIndex
CREATE INDEX "dispute_status_updated_at_idx" ON "dispute"("status", "updated_at");

-- CreateIndex
CREATE INDEX "dispute_comment_dispute_id_created_at_idx" ON "dispute_comment"("dispute_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "audit_event_prev_hash_key" ON "audit_event"("prev_hash");

-- CreateIndex
CREATE UNIQUE INDEX "audit_event_hash_key" ON "audit_event"("hash");

-- CreateIndex
CREATE INDEX "audit_event_subject_type_subject_id_idx" ON "audit_event"("subject_type", "subject_id");

-- CreateIndex
CREATE INDEX "audit_event_occurred_at_idx" ON "audit_event"("occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "audit_checkpoint_upto_seq_key" ON "audit_checkpoint"("upto_seq");

-- CreateIndex
CREATE UNIQUE INDEX "share_link_token_hash_key" ON "share_link"("token_hash");

-- CreateIndex
CREATE INDEX "share_link_scope_type_scope_id_idx" ON "share_link"("scope_type", "scope_id");

-- CreateIndex
CREATE UNIQUE INDEX "session_token_hash_key" ON "session"("token_hash");

-- CreateIndex
CREATE INDEX "session_address_idx" ON "session"("address");

-- AddForeignKey
ALTER TABLE "block" ADD CONSTRAINT "block_chain_id_fkey" FOREIGN KEY ("chain_id") REFERENCES "chain"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "source" ADD CONSTRAINT "source_chain_id_fkey" FOREIGN KEY ("chain_id") REFERENCES "chain"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "source_checkpoint" ADD CONSTRAINT "source_checkpoint_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry_event" ADD CONSTRAINT "registry_event_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enclave" ADD CONSTRAINT "enclave_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_version" ADD CONSTRAINT "model_version_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployment" ADD CONSTRAINT "deployment_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deployment" ADD CONSTRAINT "deployment_model_version_id_fkey" FOREIGN KEY ("model_version_id") REFERENCES "model_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "settlement" ADD CONSTRAINT "settlement_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "batch_leaf" ADD CONSTRAINT "batch_leaf_settlement_id_fkey" FOREIGN KEY ("settlement_id") REFERENCES "settlement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "hub_event" ADD CONSTRAINT "hub_event_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "workflow_event" ADD CONSTRAINT "workflow_event_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inference" ADD CONSTRAINT "inference_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inference" ADD CONSTRAINT "inference_model_version_id_fkey" FOREIGN KEY ("model_version_id") REFERENCES "model_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inference" ADD CONSTRAINT "inference_receipt_id_fkey" FOREIGN KEY ("receipt_id") REFERENCES "receipt"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inference" ADD CONSTRAINT "inference_settlement_id_fkey" FOREIGN KEY ("settlement_id") REFERENCES "settlement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inference" ADD CONSTRAINT "inference_batch_leaf_id_fkey" FOREIGN KEY ("batch_leaf_id") REFERENCES "batch_leaf"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inference" ADD CONSTRAINT "inference_hub_event_id_fkey" FOREIGN KEY ("hub_event_id") REFERENCES "hub_event"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment" ADD CONSTRAINT "payment_source_id_fkey" FOREIGN KEY ("source_id") REFERENCES "source"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_allocation" ADD CONSTRAINT "payment_allocation_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_allocation" ADD CONSTRAINT "payment_allocation_inference_id_fkey" FOREIGN KEY ("inference_id") REFERENCES "inference"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_action_citation" ADD CONSTRAINT "agent_action_citation_action_id_fkey" FOREIGN KEY ("action_id") REFERENCES "agent_action"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_action_citation" ADD CONSTRAINT "agent_action_citation_cited_action_id_fkey" FOREIGN KEY ("cited_action_id") REFERENCES "agent_action"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident" ADD CONSTRAINT "incident_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident" ADD CONSTRAINT "incident_bad_version_id_fkey" FOREIGN KEY ("bad_version_id") REFERENCES "model_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident" ADD CONSTRAINT "incident_rolled_back_to_version_id_fkey" FOREIGN KEY ("rolled_back_to_version_id") REFERENCES "model_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident" ADD CONSTRAINT "incident_supersedes_id_fkey" FOREIGN KEY ("supersedes_id") REFERENCES "incident"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incident" ADD CONSTRAINT "incident_proposed_from_event_id_fkey" FOREIGN KEY ("proposed_from_event_id") REFERENCES "registry_event"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "blast_radius" ADD CONSTRAINT "blast_radius_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "finding" ADD CONSTRAINT "finding_inference_id_fkey" FOREIGN KEY ("inference_id") REFERENCES "inference"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "finding" ADD CONSTRAINT "finding_settlement_id_fkey" FOREIGN KEY ("settlement_id") REFERENCES "settlement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "finding" ADD CONSTRAINT "finding_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "finding" ADD CONSTRAINT "finding_receipt_id_fkey" FOREIGN KEY ("receipt_id") REFERENCES "receipt"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "finding" ADD CONSTRAINT "finding_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dispute" ADD CONSTRAINT "dispute_inference_id_fkey" FOREIGN KEY ("inference_id") REFERENCES "inference"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dispute" ADD CONSTRAINT "dispute_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "incident"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dispute_comment" ADD CONSTRAINT "dispute_comment_dispute_id_fkey" FOREIGN KEY ("dispute_id") REFERENCES "dispute"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_checkpoint" ADD CONSTRAINT "audit_checkpoint_upto_seq_fkey" FOREIGN KEY ("upto_seq") REFERENCES "audit_event"("seq") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session" ADD CONSTRAINT "session_address_fkey" FOREIGN KEY ("address") REFERENCES "app_user"("address") ON DELETE CASCADE ON UPDATE CASCADE;

-- ─── Beyond what schema.prisma can express ──────────────────────────────────────────
-- Hex columns are lowercase 0x-hex so equality joins and indexes work on the text:
--   hash32     ^0x[0-9a-f]{64}$
--   address    ^0x[0-9a-f]{40}$
--   hex bytes  ^0x([0-9a-f]{2})*$
-- A CHECK on a nullable column passes when the value is NULL.

-- AddCheck: chain and sources
ALTER TABLE "block"
    ADD CONSTRAINT "block_hash_check" CHECK ("hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "block_parent_hash_check" CHECK ("parent_hash" ~ '^0x[0-9a-f]{64}$');

ALTER TABLE "source"
    ADD CONSTRAINT "source_address_check" CHECK ("address" ~ '^0x[0-9a-f]{40}$');

ALTER TABLE "source_checkpoint"
    ADD CONSTRAINT "source_checkpoint_block_hash_check" CHECK ("block_hash" ~ '^0x[0-9a-f]{64}$');

-- AddCheck: TEE registry
ALTER TABLE "registry_event"
    ADD CONSTRAINT "registry_event_block_hash_check" CHECK ("block_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "registry_event_tx_hash_check" CHECK ("tx_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "registry_event_tee_id_check" CHECK ("tee_id" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "registry_event_pcr_hash_check" CHECK ("pcr_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "registry_event_owner_check" CHECK ("owner" ~ '^0x[0-9a-f]{40}$');

ALTER TABLE "enclave"
    ADD CONSTRAINT "enclave_block_hash_check" CHECK ("block_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "enclave_tx_hash_check" CHECK ("tx_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "enclave_registry_address_check" CHECK ("registry_address" ~ '^0x[0-9a-f]{40}$'),
    ADD CONSTRAINT "enclave_tee_id_check" CHECK ("tee_id" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "enclave_owner_check" CHECK ("owner" ~ '^0x[0-9a-f]{40}$'),
    ADD CONSTRAINT "enclave_payment_address_check" CHECK ("payment_address" ~ '^0x[0-9a-f]{40}$'),
    ADD CONSTRAINT "enclave_public_key_check" CHECK ("public_key" ~ '^0x([0-9a-f]{2})*$'),
    ADD CONSTRAINT "enclave_pcr_hash_check" CHECK ("pcr_hash" ~ '^0x[0-9a-f]{64}$');

ALTER TABLE "runtime_image"
    ADD CONSTRAINT "runtime_image_pcr_hash_check" CHECK ("pcr_hash" ~ '^0x[0-9a-f]{64}$');

-- AddCheck: models, versions, deployments
ALTER TABLE "model"
    ADD CONSTRAINT "model_kind_check" CHECK ("kind" IN ('llm', 'onnx')),
    ADD CONSTRAINT "model_name_check" CHECK (starts_with("name", "kind" || ':') AND length("name") > length("kind") + 1);

ALTER TABLE "model_version"
    ADD CONSTRAINT "model_version_pcr_hash_check" CHECK ("pcr_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "model_version_key_check" CHECK ("key" ~ '^(pcr:0x[0-9a-f]{64}|cid:.+)$'),
    ADD CONSTRAINT "model_version_key_matches_check" CHECK (
        ("pcr_hash" IS NULL OR "key" = 'pcr:' || "pcr_hash")
        AND ("content_id" IS NULL OR "key" = 'cid:' || "content_id")
    );

ALTER TABLE "deployment"
    ADD CONSTRAINT "deployment_valid_check" CHECK ("valid_to" IS NULL OR "valid_to" >= "valid_from"),
    ADD CONSTRAINT "deployment_recorded_check" CHECK ("superseded_at" IS NULL OR "superseded_at" >= "recorded_at");

-- AddCheck: evidence
ALTER TABLE "receipt"
    ADD CONSTRAINT "receipt_content_key_check" CHECK ("content_key" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "receipt_tee_id_check" CHECK ("tee_id" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "receipt_request_hash_check" CHECK ("request_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "receipt_output_hash_check" CHECK ("output_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "receipt_signature_check" CHECK ("signature" ~ '^[A-Za-z0-9+/]+={0,2}$'),
    ADD CONSTRAINT "receipt_payer_check" CHECK ("payer" ~ '^0x[0-9a-f]{40}$');

ALTER TABLE "settlement"
    ADD CONSTRAINT "settlement_block_hash_check" CHECK ("block_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "settlement_tx_hash_check" CHECK ("tx_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "settlement_tee_id_check" CHECK ("tee_id" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "settlement_eth_address_check" CHECK ("eth_address" ~ '^0x[0-9a-f]{40}$'),
    ADD CONSTRAINT "settlement_input_hash_check" CHECK ("input_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "settlement_output_hash_check" CHECK ("output_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "settlement_signature_check" CHECK ("signature" ~ '^0x([0-9a-f]{2})*$'),
    ADD CONSTRAINT "settlement_merkle_root_check" CHECK ("merkle_root" ~ '^0x[0-9a-f]{64}$');

ALTER TABLE "batch_leaf"
    ADD CONSTRAINT "batch_leaf_block_hash_check" CHECK ("block_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "batch_leaf_tx_hash_check" CHECK ("tx_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "batch_leaf_tee_id_check" CHECK ("tee_id" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "batch_leaf_input_hash_check" CHECK ("input_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "batch_leaf_output_hash_check" CHECK ("output_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "batch_leaf_signature_check" CHECK ("signature" ~ '^0x([0-9a-f]{2})*$'),
    ADD CONSTRAINT "batch_leaf_leaf_hash_check" CHECK ("leaf_hash" ~ '^0x[0-9a-f]{64}$'),
    -- Note: a CHECK cannot run a subquery over the array, so the elements are joined
    -- and matched as one string; array_position() rejects NULL elements, which
    -- array_to_string() would silently skip.
    ADD CONSTRAINT "batch_leaf_proof_check" CHECK (
        "proof" IS NOT NULL
        AND array_position("proof", NULL) IS NULL
        AND array_to_string("proof", ',') ~ '^(0x[0-9a-f]{64}(,0x[0-9a-f]{64})*)?$'
    );

ALTER TABLE "hub_event"
    ADD CONSTRAINT "hub_event_block_hash_check" CHECK ("block_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "hub_event_tx_hash_check" CHECK ("tx_hash" ~ '^0x[0-9a-f]{64}$');

ALTER TABLE "workflow_event"
    ADD CONSTRAINT "workflow_event_block_hash_check" CHECK ("block_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "workflow_event_tx_hash_check" CHECK ("tx_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "workflow_event_user_address_check" CHECK ("user_address" ~ '^0x[0-9a-f]{40}$'),
    ADD CONSTRAINT "workflow_event_contract_address_check" CHECK ("contract_address" ~ '^0x[0-9a-f]{40}$');

-- AddCheck: inferences and payments
ALTER TABLE "inference"
    ADD CONSTRAINT "inference_input_hash_check" CHECK ("input_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "inference_output_hash_check" CHECK ("output_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "inference_tee_id_check" CHECK ("tee_id" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "inference_signature_check" CHECK ("signature" ~ '^0x([0-9a-f]{2})*$'),
    ADD CONSTRAINT "inference_payer_check" CHECK ("payer" ~ '^0x[0-9a-f]{40}$');

ALTER TABLE "payment"
    ADD CONSTRAINT "payment_block_hash_check" CHECK ("block_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "payment_tx_hash_check" CHECK ("tx_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "payment_token_check" CHECK ("token" ~ '^0x[0-9a-f]{40}$'),
    ADD CONSTRAINT "payment_from_address_check" CHECK ("from_address" ~ '^0x[0-9a-f]{40}$'),
    ADD CONSTRAINT "payment_to_address_check" CHECK ("to_address" ~ '^0x[0-9a-f]{40}$'),
    ADD CONSTRAINT "payment_value_check" CHECK ("value" >= 0),
    ADD CONSTRAINT "payment_settle_event_check" CHECK ("settle_event" IN ('Settled', 'SettledWithPermit', 'AuthorizationUsed')),
    ADD CONSTRAINT "payment_authorizer_check" CHECK ("authorizer" ~ '^0x[0-9a-f]{40}$'),
    ADD CONSTRAINT "payment_nonce_check" CHECK ("nonce" ~ '^0x[0-9a-f]{64}$');

ALTER TABLE "payment_allocation"
    ADD CONSTRAINT "payment_allocation_amount_check" CHECK ("amount" >= 0);

-- AddCheck: agent actions
ALTER TABLE "agent_action"
    ADD CONSTRAINT "agent_action_agent_check" CHECK ("agent" ~ '^0x[0-9a-f]{40}$'),
    ADD CONSTRAINT "agent_action_tx_hash_check" CHECK ("tx_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "agent_action_signature_check" CHECK ("signature" ~ '^0x([0-9a-f]{2})*$'),
    ADD CONSTRAINT "agent_action_content_key_check" CHECK ("content_key" ~ '^0x[0-9a-f]{64}$');

ALTER TABLE "agent_action_citation"
    ADD CONSTRAINT "agent_action_citation_output_hash_check" CHECK ("output_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "agent_action_citation_target_check" CHECK (("output_hash" IS NULL) <> ("cited_action_id" IS NULL)),
    ADD CONSTRAINT "agent_action_citation_not_self_check" CHECK ("cited_action_id" IS NULL OR "cited_action_id" <> "action_id");

-- CreateIndex: an action cites each output and each earlier action at most once
-- (partial, because exactly one of the two targets is set on each row).
CREATE UNIQUE INDEX "agent_action_citation_action_id_output_hash_key" ON "agent_action_citation"("action_id", "output_hash") WHERE "output_hash" IS NOT NULL;

CREATE UNIQUE INDEX "agent_action_citation_action_id_cited_action_id_key" ON "agent_action_citation"("action_id", "cited_action_id") WHERE "cited_action_id" IS NOT NULL;

-- AddCheck: incidents, findings, disputes
ALTER TABLE "incident"
    ADD CONSTRAINT "incident_window_check" CHECK ("window_to" IS NULL OR "window_to" >= "window_from"),
    ADD CONSTRAINT "incident_window_block_check" CHECK (
        ("window_from_block" IS NULL AND "window_to_block" IS NULL) OR "window_chain_id" IS NOT NULL
    ),
    ADD CONSTRAINT "incident_evidence_links_check" CHECK ("evidence_links" IS NOT NULL AND array_position("evidence_links", NULL) IS NULL),
    ADD CONSTRAINT "incident_operator_check" CHECK ("operator" ~ '^0x[0-9a-f]{40}$'),
    ADD CONSTRAINT "incident_signature_check" CHECK ("signature" ~ '^0x([0-9a-f]{2})*$'),
    ADD CONSTRAINT "incident_supersedes_check" CHECK ("supersedes_id" IS NULL OR "supersedes_id" <> "id");

ALTER TABLE "dispute"
    ADD CONSTRAINT "dispute_output_hash_check" CHECK ("output_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "dispute_opened_by_check" CHECK ("opened_by" ~ '^0x[0-9a-f]{40}$');

ALTER TABLE "dispute_comment"
    ADD CONSTRAINT "dispute_comment_author_check" CHECK ("author" ~ '^0x[0-9a-f]{40}$'),
    ADD CONSTRAINT "dispute_comment_kind_check" CHECK ("kind" IN ('comment', 'status_change')),
    ADD CONSTRAINT "dispute_comment_status_check" CHECK (
        ("kind" = 'status_change') = ("status_to" IS NOT NULL)
        AND ("kind" = 'status_change' OR "status_from" IS NULL)
    );

-- AddCheck: audit log
ALTER TABLE "audit_event"
    ADD CONSTRAINT "audit_event_payload_hash_check" CHECK ("payload_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "audit_event_prev_hash_check" CHECK ("prev_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "audit_event_hash_check" CHECK ("hash" ~ '^0x[0-9a-f]{64}$');

ALTER TABLE "audit_checkpoint"
    ADD CONSTRAINT "audit_checkpoint_head_hash_check" CHECK ("head_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "audit_checkpoint_signature_check" CHECK ("signature" ~ '^0x([0-9a-f]{2})*$'),
    ADD CONSTRAINT "audit_checkpoint_signer_check" CHECK ("signer" ~ '^0x[0-9a-f]{40}$');

-- AddCheck: sharing and auth
ALTER TABLE "share_link"
    ADD CONSTRAINT "share_link_token_hash_check" CHECK ("token_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "share_link_created_by_check" CHECK ("created_by" ~ '^0x[0-9a-f]{40}$');

ALTER TABLE "app_user"
    ADD CONSTRAINT "app_user_address_check" CHECK ("address" ~ '^0x[0-9a-f]{40}$');

ALTER TABLE "session"
    ADD CONSTRAINT "session_token_hash_check" CHECK ("token_hash" ~ '^0x[0-9a-f]{64}$'),
    ADD CONSTRAINT "session_address_check" CHECK ("address" ~ '^0x[0-9a-f]{40}$');

ALTER TABLE "auth_nonce"
    ADD CONSTRAINT "auth_nonce_nonce_check" CHECK ("nonce" ~ '^[A-Za-z0-9]{8,}$');

-- CreateTrigger: audit_event is append-only. Row triggers refuse UPDATE and DELETE, a
-- statement trigger refuses TRUNCATE (which skips row triggers). Altering history
-- takes a superuser dropping these triggers, which is itself visible in the DDL.
CREATE FUNCTION "audit_event_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Record a new audit event instead of changing an old one.';
END;
$$;

CREATE TRIGGER "audit_event_no_update_delete"
    BEFORE UPDATE OR DELETE ON "audit_event"
    FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();

CREATE TRIGGER "audit_event_no_truncate"
    BEFORE TRUNCATE ON "audit_event"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();
