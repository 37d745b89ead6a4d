'use client';

import { useState } from 'react';
import { Modal } from '~/components/ui/modal';
import { useNotify } from '~/components/ui/notifications';
import { StatusBadge } from '~/components/ui/status-badge';
import { EVENT_LABELS } from '~/domain/notifications';
import type { RouterOutputs } from '~/trpc/react';
import { api } from '~/trpc/react';
import { ChannelForm } from './channel-form';
import { DeliveryList } from './delivery-list';
import './settings.css';

type Channel = RouterOutputs['channels']['list']['channels'][number];

function target(c: Channel): string {
  return c.kind === 'webhook'
    ? `${c.url ?? ''}${c.format === 'slack' ? ' (Slack)' : ''}`
    : (c.to ?? []).join(', ');
}

/** Settings → Notifications: the channels, their health, a test button, and the deliveries. */
export function NotificationSettings() {
  const channels = api.channels.list.useQuery(undefined, { refetchInterval: 5000 });
  const utils = api.useUtils();
  const notify = useNotify();
  const [editing, setEditing] = useState<Channel | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Channel | null>(null);
  const test = api.channels.test.useMutation({
    onSuccess: () => void utils.deliveries.list.invalidate(),
  });
  const remove = api.channels.delete.useMutation({
    onSuccess: () => void utils.channels.list.invalidate(),
  });
  const list = channels.data?.channels ?? [];

  return (
    <>
      <div className="page-head">
        <h1>Notifications</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          Add channel
        </button>
      </div>
      <p className="muted">
        Webhooks, Slack and e-mail are told when runs fail, partly fail, recover or are missed, and
        once a day with a summary. Each event is delivered once per channel, with retries.
      </p>
      <h2>Channels</h2>
      {channels.isLoading ? (
        <p className="muted">Loading channels…</p>
      ) : list.length === 0 ? (
        <p className="muted">No channels yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="compact-table channels-table" aria-label="Channels">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Sends to</th>
                <th scope="col">Events</th>
                <th scope="col">Health</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <tr key={c.channel_id} data-channel-id={c.channel_id}>
                  <th scope="row">
                    {c.name}
                    <span className="muted"> · {c.kind === 'webhook' ? 'webhook' : 'e-mail'}</span>
                  </th>
                  <td data-label="Sends to" className="mono">
                    {target(c)}
                  </td>
                  <td data-label="Events">
                    {c.events.map((e) => (
                      <code key={e} title={EVENT_LABELS[e]} className="event-tag">
                        {e}
                      </code>
                    ))}
                    {c.job_ids && <span className="muted"> · {c.job_ids.length} job(s)</span>}
                  </td>
                  <td data-label="Health">
                    <StatusBadge status={c.health.status} />
                    {c.health.status === 'failing' && c.health.last_error && (
                      <span className="error-text"> {c.health.last_error}</span>
                    )}
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="small"
                      disabled={test.isPending}
                      onClick={() =>
                        test.mutate(
                          { channel_id: c.channel_id },
                          { onSuccess: () => notify(`Test notification queued for ${c.name}`) },
                        )
                      }
                    >
                      Send test
                    </button>
                    <button type="button" className="small" onClick={() => setEditing(c)}>
                      Edit
                    </button>
                    <button
                      type="button"
                      className="small danger-text"
                      onClick={() => setDeleting(c)}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Deliveries</h2>
      <DeliveryList channels={list} />
      {editing && (
        <Modal
          title={editing === 'new' ? 'New channel' : `Edit ${editing.name}`}
          onClose={() => setEditing(null)}
        >
          <ChannelForm
            channel={editing === 'new' ? undefined : editing}
            onDone={() => setEditing(null)}
          />
        </Modal>
      )}
      {deleting && (
        <Modal
          title="Delete channel?"
          role="alertdialog"
          className="modal-small"
          onClose={() => setDeleting(null)}
        >
          <p>
            Delete <strong>{deleting.name}</strong>? It gets no more notifications.
          </p>
          <div className="modal-actions">
            <button type="button" data-autofocus onClick={() => setDeleting(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="danger"
              disabled={remove.isPending}
              onClick={() =>
                remove.mutate(
                  { channel_id: deleting.channel_id },
                  { onSuccess: () => setDeleting(null) },
                )
              }
            >
              Delete
            </button>
          </div>
        </Modal>
      )}
    </>
  );
}
