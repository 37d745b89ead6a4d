'use client';

import { useLive } from './live-updates';

const TEXT = {
  live: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Disconnected — reconnecting…',
} as const;

/** Whether changes are arriving: a small "Live" pill, or a warning while the stream is down. */
export function ConnectionStatus() {
  const { connection } = useLive();
  return (
    <p className={`connection connection-${connection}`} role="status" data-connection={connection}>
      <span className="connection-dot" aria-hidden="true" />
      {TEXT[connection]}
    </p>
  );
}
