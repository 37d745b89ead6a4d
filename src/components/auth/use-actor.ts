'use client';

import { usePathname } from 'next/navigation';
import { roleAllows, type Role } from '~/domain/roles';
import { api, type RouterOutputs } from '~/trpc/react';

export type Actor = RouterOutputs['auth']['me'];

/** Who the dashboard acts as (null while loading, or on the sign-in page). */
export function useActor(): Actor | null {
  const onLogin = usePathname() === '/login';
  const me = api.auth.me.useQuery(undefined, {
    enabled: !onLogin,
    staleTime: 60_000,
    retry: false,
  });
  return me.data ?? null;
}

/**
 * Whether the actor's role allows an action, to hide the buttons it may not use (the server
 * refuses them anyway, with 403).
 */
export function useCan(role: Role): boolean {
  const actor = useActor();
  return actor !== null && roleAllows(actor.role, role);
}
