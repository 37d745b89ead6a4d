'use client';

import Link from 'next/link';
import { useState } from 'react';
import { postJson } from './post-json';
import { useActor } from './use-actor';

/** The header's account corner: who is signed in and sign-out, or local mode's invitation. */
export function AccountMenu() {
  const actor = useActor();
  const [leaving, setLeaving] = useState(false);
  if (!actor) return null;
  if (actor.kind === 'local') {
    return (
      <nav className="account" aria-label="Account">
        <span className="muted">Local mode: open to this machine only</span>
        <Link href="/settings/setup">Create the first admin</Link>
      </nav>
    );
  }
  const signOut = async () => {
    setLeaving(true);
    await postJson('/auth/logout');
    // A full load: every cached answer belonged to the session that just ended.
    window.location.assign('/login');
  };
  return (
    <nav className="account" aria-label="Account">
      {actor.role === 'admin' && (
        <>
          <Link href="/settings/users">Users and tokens</Link>
          <Link href="/settings/audit">Audit log</Link>
        </>
      )}
      <span className="account-name">
        {actor.name} <span className="muted">({actor.role})</span>
      </span>
      <button type="button" className="small" disabled={leaving} onClick={signOut}>
        Sign out
      </button>
    </nav>
  );
}
