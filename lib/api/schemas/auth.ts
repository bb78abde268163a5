import { z } from "zod";
import { ROLES } from "@/lib/auth/roles";
import { addressSchema, hexBytesSchema, textSchema } from "@/lib/api/schemas/common";

/** Sign-in bodies are small; anything larger is refused before parsing. */
export const MAX_AUTH_BODY_BYTES = 8 * 1024;

export const nonceResponseSchema = z.object({ nonce: z.string(), expiresAt: z.string() });

export const signInBodySchema = z.strictObject({
  /** The EIP-4361 message exactly as the wallet signed it. */
  message: textSchema(4000).min(1, "is required"),
  signature: hexBytesSchema,
});

export const roleSchema = z.enum(ROLES);

export const sessionResponseSchema = z.object({
  user: z.object({ address: z.string(), role: roleSchema, expiresAt: z.string() }).nullable(),
});

export const setRoleBodySchema = z.strictObject({ role: roleSchema });

export const userAddressParamSchema = addressSchema;

export const userSchema = z.object({
  address: z.string(),
  role: roleSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
