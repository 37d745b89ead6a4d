'use client';

import Link from 'next/link';
import { api } from '~/trpc/react';
import './settings.css';

/** On the dashboard: a line for each notification channel that keeps failing. */
export function ChannelAlerts() {
  const channels = api.channels.list.useQuery(undefined, { refetchInterval: 15_000 });
  const failing = (channels.data?.channels ?? []).filter((c) => c.health.status === 'failing');
  if (failing.length === 0) return null;
  return (
    <div className="channel-alerts" role="alert">
      {failing.map((c) => (
        <p key={c.channel_id}>
          Notification channel <strong>{c.name}</strong> is failing
          {c.health.last_error ? `: ${c.health.last_error}` : ''}.{' '}
          <Link href="/settings/notifications">Check it in Settings</Link>
        </p>
      ))}
    </div>
  );
}
