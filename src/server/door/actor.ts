import type { Role } from '~/domain/roles';

export { ROLES, roleAllows, type Role } from '~/domain/roles';

/** Who is asking: a signed-in user, an API token, or (with no account yet) the local machine. */
export interface Actor {
  kind: 'user' | 'token' | 'local';
  id: string;
  name: string;
  role: Role;
  email: string | null;
}

/** Everything on loopback while no account exists: the seed's curl commands work as written. */
export const localActor: Actor = {
  kind: 'local',
  id: 'local',
  name: 'this machine',
  role: 'admin',
  email: null,
};
