import "server-only";
import crypto from "node:crypto";
import type pg from "pg";
import { ApiError, notFound } from "@/lib/api/errors";
import type { CreatedShareLink, ShareLink, ShareLinkState } from "@/lib/api/schemas/share-links";
import {
  scopePagePath,
  SHARE_TOKEN_PATTERN,
  type ShareScope,
  type ShareScopeType,
} from "@/lib/auth/share-scope";
import { recordAudit } from "@/lib/db/audit";
import { getPool } from "@/lib/db/client";
import type { SessionUser } from "@/lib/db/sessions";
import { withTransaction } from "@/lib/db/transaction";

/** Random bytes in a token: 256 bits, far above the 128 a guess would have to beat. */
export const SHARE_TOKEN_BYTES = 32;

/** What is stored instead of a token: `0x` + its SHA-256 (the token itself never is). */
export function shareTokenHash(token: string): string {
  return `0x${crypto.createHash("sha256").update(token).digest("hex")}`;
}

type Queryable = pg.ClientBase | pg.Pool;

/** Whether the thing a link would open exists: an indexed output, a dispute, an incident. */
async function scopeExists(db: Queryable, scope: ShareScope): Promise<boolean> {
  const sql: Record<ShareScopeType, string> = {
    output: "SELECT 1 FROM inference WHERE output_hash = $1 LIMIT 1",
    dispute: "SELECT 1 FROM dispute WHERE id = $1::uuid",
    incident: "SELECT 1 FROM incident WHERE id = $1::uuid",
  };
  const { rowCount } = await db.query(sql[scope.type], [scope.id]);
  return Boolean(rowCount);
}

/**
 * Creates a read-only link to one output, dispute or incident, with its audit event, in
 * one transaction. Answers the raw token once (only its hash is stored, and neither is in
 * the audit payload). Throws 404 when the scope does not exist.
 */
export async function createShareLink(args: {
  scope: ShareScope;
  expiresInHours: number;
  user: SessionUser;
  origin: string;
}): Promise<CreatedShareLink> {
  const { scope, user } = args;
  const token = crypto.randomBytes(SHARE_TOKEN_BYTES).toString("base64url");
  return withTransaction(async (client) => {
    if (!(await scopeExists(client, scope))) {
      throw notFound(
        scope.type === "output"
          ? `No indexed inference produced output ${scope.id}; only indexed outputs can be shared.`
          : `No ${scope.type} ${scope.id}.`,
      );
    }
    const { rows } = await client.query<{ id: string; expires_at: Date }>(
      `INSERT INTO share_link (token_hash, scope_type, scope_id, created_by, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(hours => $5)) RETURNING id, expires_at`,
      [shareTokenHash(token), scope.type, scope.id, user.address, args.expiresInHours],
    );
    const row = rows[0]!;
    const expiresAt = row.expires_at.toISOString();
    await recordAudit(client, {
      actor: user.address,
      action: "share_link.create",
      subjectType: "share_link",
      subjectId: row.id,
      payload: { shareLinkId: row.id, scopeType: scope.type, scopeId: scope.id, expiresAt },
    });
    const url = `${args.origin}${scopePagePath(scope)}?share=${token}`;
    return { id: row.id, url, token, expiresAt };
  });
}

interface LinkRow {
  id: string;
  scope_type: ShareScopeType;
  scope_id: string;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  expired: boolean;
}

const LINK_COLUMNS = `id, scope_type, scope_id, created_by, created_at, expires_at, revoked_at,
  expires_at <= now() AS expired`;

function stateOf(row: LinkRow): ShareLinkState {
  if (row.revoked_at) return "revoked";
  return row.expired ? "expired" : "active";
}

function toShareLink(row: LinkRow): ShareLink {
  return {
    id: row.id,
    scopeType: row.scope_type,
    scopeId: row.scope_id,
    state: stateOf(row),
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

/** Every link to one scope, newest first, with its state now. Tokens are never returned. */
export async function listShareLinks(scope: ShareScope): Promise<ShareLink[]> {
  const { rows } = await getPool().query<LinkRow>(
    `SELECT ${LINK_COLUMNS} FROM share_link WHERE scope_type = $1 AND scope_id = $2
      ORDER BY created_at DESC, id`,
    [scope.type, scope.id],
  );
  return rows.map(toShareLink);
}

/**
 * Revokes a link at once (the next request with its token is refused), with its audit
 * event. Throws 404 for an unknown id and 409 when it is already revoked.
 */
export async function revokeShareLinkOrThrow(id: string, user: SessionUser): Promise<ShareLink> {
  return withTransaction(async (client) => {
    const { rows } = await client.query<LinkRow>(
      `SELECT ${LINK_COLUMNS} FROM share_link WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const link = rows[0];
    if (!link) throw notFound(`No share link ${id}.`);
    if (link.revoked_at) {
      throw new ApiError(
        409,
        "already_revoked",
        `This link was already revoked on ${link.revoked_at.toISOString()}; nothing changed.`,
      );
    }
    const updated = await client.query<LinkRow>(
      `UPDATE share_link SET revoked_at = now() WHERE id = $1 RETURNING ${LINK_COLUMNS}`,
      [id],
    );
    const row = updated.rows[0]!;
    await recordAudit(client, {
      actor: user.address,
      action: "share_link.revoke",
      subjectType: "share_link",
      subjectId: id,
      payload: {
        shareLinkId: id,
        scopeType: row.scope_type,
        scopeId: row.scope_id,
        revokedAt: row.revoked_at!.toISOString(),
      },
    });
    return toShareLink(row);
  });
}

/** A link found by its token, with its state judged by the database clock now. */
export interface FoundShareLink {
  id: string;
  scope: ShareScope;
  state: ShareLinkState;
  expiresAt: Date;
  revokedAt: Date | null;
}

/**
 * The link a token opens, or null for a token we never gave out. Read on every request
 * (no cache), so a revocation or an expiry applies to the very next one.
 */
export async function findShareLink(token: string): Promise<FoundShareLink | null> {
  const { rows } = await getPool().query<LinkRow>(
    `SELECT ${LINK_COLUMNS} FROM share_link WHERE token_hash = $1`,
    [shareTokenHash(token)],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    scope: { type: row.scope_type, id: row.scope_id },
    state: stateOf(row),
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

/** The output an inference produced, or null when there is no such inference. */
export async function inferenceOutputHash(id: string): Promise<string | null> {
  const { rows } = await getPool().query<{ output_hash: string }>(
    "SELECT output_hash FROM inference WHERE id = $1",
    [id],
  );
  return rows[0]?.output_hash ?? null;
}

/**
 * The live link a page was opened with, when it opens exactly this scope; null otherwise
 * (no token, unknown, expired, revoked, or a link to something else). Pages use it to show
 * the "shared read-only link" banner, hide their write controls and keep the token on
 * their downloads (`withShare(href, shared?.token)`).
 */
export async function activeShareFor(
  token: string | string[] | undefined,
  scope: ShareScope,
): Promise<{ token: string; expiresAt: string } | null> {
  if (typeof token !== "string" || !SHARE_TOKEN_PATTERN.test(token)) return null;
  const link = await findShareLink(token);
  if (!link || link.state !== "active") return null;
  if (link.scope.type !== scope.type || link.scope.id !== scope.id) return null;
  return { token, expiresAt: link.expiresAt.toISOString() };
}
