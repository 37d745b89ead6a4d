'use client';

import { RelativeTime } from '~/components/ui/relative-time';
import { StatusBadge } from '~/components/ui/status-badge';
import type { RouterOutputs } from '~/trpc/react';
import { api } from '~/trpc/react';

type Channel = RouterOutputs['channels']['list']['channels'][number];

/** The latest deliveries with their attempts, response and last error; refreshed every 3 s. */
export function DeliveryList({ channels }: { channels: readonly Channel[] }) {
  const deliveries = api.deliveries.list.useQuery({ limit: 50 }, { refetchInterval: 3000 });
  const names = new Map(channels.map((c) => [c.channel_id, c.name]));
  const list = deliveries.data?.deliveries ?? [];
  if (deliveries.isLoading) return <p className="muted">Loading deliveries…</p>;
  if (list.length === 0)
    return <p className="muted">No deliveries yet. Send a test to a channel.</p>;
  return (
    <div className="table-wrap">
      <table className="compact-table deliveries-table" aria-label="Deliveries">
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Channel</th>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Response</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {list.map((d) => (
            <tr key={d.delivery_id} data-delivery-id={d.delivery_id} data-status={d.status}>
              <td data-label="Created">
                <RelativeTime value={d.created_at} />
              </td>
              <td data-label="Channel">
                {names.get(d.channel_id) ?? <span className="muted">deleted</span>}
              </td>
              <td data-label="Event">
                <code>{d.event}</code>
              </td>
              <td data-label="Status">
                <StatusBadge status={d.status} />
              </td>
              <td data-label="Attempts">{d.attempts}</td>
              <td data-label="Response">{d.response_status ?? '—'}</td>
              <td data-label="Last error" className="error-text">
                {d.last_error ?? ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
