/** Roles from least to most: each can do what the ones before it can. */
export const ROLES = ["viewer", "auditor", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** What each role adds, for the sign-in menu and the users page. */
export const ROLE_CAN: Record<Role, string> = {
  viewer: "read everything",
  auditor: "comment, dispute, recompute blast radii",
  operator: "mark and confirm incidents, decide disputes",
  admin: "grant roles",
};

export function hasRole(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}
