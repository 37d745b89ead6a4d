/**
 * The roles of the door (CONTRACT.md section 10). They nest: an admin may do what an editor
 * may, an editor what a viewer may. Shared by the server's rules and the dashboard's buttons.
 */
export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function roleAllows(has: Role, needs: Role): boolean {
  return ROLES.indexOf(has) >= ROLES.indexOf(needs);
}
