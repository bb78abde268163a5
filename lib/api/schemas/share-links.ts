import { z } from "zod";
import { canonicalScopeId, SHARE_SCOPE_TYPES } from "@/lib/auth/share-scope";

/** Share-link bodies are a few fields; anything larger is refused before parsing. */
export const MAX_SHARE_LINK_BODY_BYTES = 4 * 1024;
/** The longest a share link may last: 90 days. */
export const MAX_SHARE_HOURS = 24 * 90;
/** The expiry choices the share panel offers, in hours. */
export const SHARE_EXPIRY_CHOICES = [
  { hours: 1, label: "1 hour" },
  { hours: 24, label: "1 day" },
  { hours: 24 * 7, label: "7 days" },
  { hours: 24 * 30, label: "30 days" },
] as const;

export const shareScopeTypeSchema = z.enum(SHARE_SCOPE_TYPES, {
  error: `must be one of ${SHARE_SCOPE_TYPES.join(", ")}`,
});

/** A scope as the API takes it: the id is checked against the type and made canonical. */
const scopeShape = {
  scopeType: shareScopeTypeSchema,
  scopeId: z.string().max(100),
};
function canonicalScope<
  T extends { scopeType: (typeof SHARE_SCOPE_TYPES)[number]; scopeId: string },
>(value: T, ctx: z.RefinementCtx): T {
  const id = canonicalScopeId(value.scopeType, value.scopeId);
  if (!id) {
    ctx.addIssue({
      code: "custom",
      path: ["scopeId"],
      message:
        value.scopeType === "output"
          ? "must be an output hash (32 bytes of hex, 0x optional)"
          : `must be the id (a UUID) of ${value.scopeType === "incident" ? "an" : "a"} ${value.scopeType}`,
    });
    return z.NEVER;
  }
  return { ...value, scopeId: id };
}

export const createShareLinkBodySchema = z
  .strictObject({
    ...scopeShape,
    expiresInHours: z
      .number({ error: `must be a whole number of hours from 1 to ${MAX_SHARE_HOURS}` })
      .int(`must be a whole number of hours from 1 to ${MAX_SHARE_HOURS}`)
      .min(1, "must be at least 1 hour")
      .max(MAX_SHARE_HOURS, `must be at most ${MAX_SHARE_HOURS} hours (90 days)`),
  })
  .transform(canonicalScope);
export type CreateShareLinkBody = z.output<typeof createShareLinkBodySchema>;

export const shareLinkListQuerySchema = z.object(scopeShape).transform(canonicalScope);

export const shareLinkStateSchema = z.enum(["active", "expired", "revoked"]);
export type ShareLinkState = z.infer<typeof shareLinkStateSchema>;

/** A share link as listed: never its token (only its hash is stored, and that is not shown). */
export const shareLinkSchema = z.object({
  id: z.string(),
  scopeType: shareScopeTypeSchema,
  scopeId: z.string(),
  state: shareLinkStateSchema,
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type ShareLink = z.infer<typeof shareLinkSchema>;

export const shareLinkListSchema = z.object({ links: z.array(shareLinkSchema) });

/** The answer to a creation: the only time the token (and the URL holding it) is shown. */
export const createdShareLinkSchema = z.object({
  id: z.string(),
  url: z.string(),
  token: z.string(),
  expiresAt: z.string(),
});
export type CreatedShareLink = z.infer<typeof createdShareLinkSchema>;

export const shareLinkIdSchema = z.uuid("must be a share link id (a UUID)");
