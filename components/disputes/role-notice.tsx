import { hasRole, type Role } from "@/lib/auth/roles";

/**
 * What a person who cannot act sees instead of a form: which role the action needs and
 * theirs. Answers null when `role` allows the action (the caller then shows the form).
 */
export function RoleNotice(props: { role: Role | null; needs: Role; action: string }) {
  if (props.role && hasRole(props.role, props.needs)) return null;
  return (
    <p data-testid="role-notice" className="rounded bg-amber-50 p-2 text-sm text-amber-900">
      {props.role
        ? `To ${props.action} you need the ${props.needs} role; you are ${props.role}. An admin can grant it.`
        : `Sign in (top right) with a wallet that has the ${props.needs} role to ${props.action}.`}
    </p>
  );
}
