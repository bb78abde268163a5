import "server-only";
import crypto from "node:crypto";
import { getAddress, verifyMessage, type Hex } from "viem";
import { generateSiweNonce, parseSiweMessage } from "viem/siwe";
import { unauthorized } from "@/lib/api/errors";
import type { Role } from "@/lib/auth/roles";
import { base, ogEvm } from "@/lib/chain/chains";
import { recordAudit } from "@/lib/db/audit";
import { getPool } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/transaction";
import { getEnv } from "@/lib/env";

/** Sign-in nonces are single-use and expire after this long (EIP-4361 asks for freshness). */
export const NONCE_TTL_MS = 5 * 60_000;
/** Chains a sign-in message may name: the ones this app reads. */
export const SIGN_IN_CHAIN_IDS: readonly number[] = [ogEvm.id, base.id];

const sha256 = (text: string) => `0x${crypto.createHash("sha256").update(text).digest("hex")}`;

/** A fresh nonce for one sign-in; expired ones are swept on the way. */
export async function createSignInNonce(): Promise<{ nonce: string; expiresAt: string }> {
  const nonce = generateSiweNonce();
  const expiresAt = new Date(Date.now() + NONCE_TTL_MS);
  await getPool().query(
    `WITH swept AS (DELETE FROM auth_nonce WHERE expires_at < now() - interval '1 day')
     INSERT INTO auth_nonce (nonce, expires_at) VALUES ($1, $2)`,
    [nonce, expiresAt],
  );
  return { nonce, expiresAt: expiresAt.toISOString() };
}

export interface SignedIn {
  address: string;
  role: Role;
  token: string;
  expiresAt: Date;
}

/**
 * Checks an EIP-4361 message and its signature, then, in one transaction, spends the
 * nonce, records the user (admins from ADMIN_ADDRESSES), opens a session and appends the
 * audit event. Any failure answers 401 with the reason and writes nothing.
 */
export async function signInWithEthereum(args: {
  message: string;
  signature: Hex;
  origin: string;
}): Promise<SignedIn> {
  const fields = parseSiweMessage(args.message);
  const expected = new URL(args.origin);
  const now = new Date();
  if (!fields.address || !fields.nonce || !fields.domain || !fields.uri || !fields.chainId) {
    throw unauthorized("The sign-in message is not an EIP-4361 message; sign in again.");
  }
  if (fields.domain !== expected.host) {
    throw unauthorized(
      `The sign-in message is for ${fields.domain}, not ${expected.host}; sign in from this site.`,
    );
  }
  if (safeOrigin(fields.uri) !== expected.origin) {
    throw unauthorized(`The sign-in message's URI is not on ${expected.origin}.`);
  }
  if (!SIGN_IN_CHAIN_IDS.includes(fields.chainId)) {
    throw unauthorized(
      `Sign in on chain ${SIGN_IN_CHAIN_IDS.join(" or ")}; the message names chain ${fields.chainId}.`,
    );
  }
  if (fields.expirationTime && fields.expirationTime <= now) {
    throw unauthorized("The sign-in message has expired; sign in again.");
  }
  if (fields.notBefore && fields.notBefore > now) {
    throw unauthorized("The sign-in message is not valid yet.");
  }
  const valid = await verifyMessage({
    address: fields.address,
    message: args.message,
    signature: args.signature,
  }).catch(() => false);
  if (!valid) {
    throw unauthorized(`The signature is not by ${getAddress(fields.address)}; sign in again.`);
  }
  const address = fields.address.toLowerCase();
  return withTransaction(async (client) => {
    const spent = await client.query(
      `UPDATE auth_nonce SET used_at = now()
        WHERE nonce = $1 AND used_at IS NULL AND expires_at > now() RETURNING nonce`,
      [fields.nonce],
    );
    if (spent.rowCount !== 1) {
      throw unauthorized(
        "This sign-in nonce is unknown, already used or expired (they last 5 minutes); sign in again.",
      );
    }
    const role = await ensureUser(client, address);
    const token = crypto.randomBytes(32).toString("base64url");
    const expiresAt = new Date(now.getTime() + getEnv().SESSION_TTL_HOURS * 3_600_000);
    const session = await client.query<{ id: string }>(
      "INSERT INTO session (token_hash, address, expires_at) VALUES ($1, $2, $3) RETURNING id",
      [sha256(token), address, expiresAt],
    );
    await recordAudit(client, {
      actor: address,
      action: "auth.sign_in",
      subjectType: "session",
      subjectId: session.rows[0]!.id,
      payload: {
        address,
        chainId: fields.chainId!,
        domain: fields.domain!,
        nonce: fields.nonce!,
        role,
        expiresAt: expiresAt.toISOString(),
      },
    });
    return { address, role, token, expiresAt };
  });
}

/** Creates the user on first sign-in; an address in ADMIN_ADDRESSES becomes admin (audited). */
async function ensureUser(client: import("pg").PoolClient, address: string): Promise<Role> {
  await client.query("INSERT INTO app_user (address) VALUES ($1) ON CONFLICT DO NOTHING", [
    address,
  ]);
  const { rows } = await client.query<{ role: Role }>(
    "SELECT role FROM app_user WHERE address = $1 FOR UPDATE",
    [address],
  );
  const role = rows[0]!.role;
  if (role === "admin" || !getEnv().ADMIN_ADDRESSES.includes(address)) return role;
  await client.query("UPDATE app_user SET role = 'admin', updated_at = now() WHERE address = $1", [
    address,
  ]);
  await recordAudit(client, {
    actor: "system",
    action: "user.role",
    subjectType: "user",
    subjectId: address,
    payload: { address, from: role, to: "admin", reason: "listed in ADMIN_ADDRESSES" },
  });
  return "admin";
}

function safeOrigin(uri: string): string | null {
  try {
    return new URL(uri).origin;
  } catch {
    return null;
  }
}

export interface SessionUser {
  sessionId: string;
  address: string;
  role: Role;
  expiresAt: Date;
}

/**
 * The session a cookie token opens, or why not: "none" (no such session, or signed out) and
 * "expired" are told apart so the page can say which.
 */
export async function findSession(
  token: string,
): Promise<SessionUser | { problem: "none" | "expired" }> {
  const { rows } = await getPool().query<{
    id: string;
    address: string;
    role: Role;
    expires_at: Date;
  }>(
    `SELECT s.id, s.address, u.role, s.expires_at FROM session s JOIN app_user u ON u.address = s.address
      WHERE s.token_hash = $1`,
    [sha256(token)],
  );
  const row = rows[0];
  if (!row) return { problem: "none" };
  if (row.expires_at <= new Date()) return { problem: "expired" };
  return { sessionId: row.id, address: row.address, role: row.role, expiresAt: row.expires_at };
}

/** Ends a session (its row is deleted) and records the sign-out. */
export async function signOut(user: SessionUser): Promise<void> {
  await withTransaction(async (client) => {
    await client.query("DELETE FROM session WHERE id = $1", [user.sessionId]);
    await recordAudit(client, {
      actor: user.address,
      action: "auth.sign_out",
      subjectType: "session",
      subjectId: user.sessionId,
      payload: { address: user.address },
    });
  });
}
