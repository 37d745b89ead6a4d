'use client';

import Link from 'next/link';
import { useCan } from './use-actor';

/** The header's main links; Notifications only for those who may change channels. */
export function MainNav() {
  const canEdit = useCan('editor');
  return (
    <nav className="site-nav" aria-label="Main">
      <Link href="/">Jobs</Link>
      {canEdit && <Link href="/settings/notifications">Notifications</Link>}
    </nav>
  );
}
