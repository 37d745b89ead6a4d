'use client';

import type { Job } from '~/trpc/shapes';
import { Modal } from './modal';

/** "Delete job X? Its run history goes too." with Cancel focused first. */
export function ConfirmDelete({
  job,
  busy,
  onConfirm,
  onCancel,
}: {
  job: Job;
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal title="Delete job?" onClose={onCancel} role="alertdialog" className="modal-small">
      <p>
        Delete <strong className="job-name">{job.name}</strong>? Its schedule and run history are
        removed. Stored price data stays in Redis.
      </p>
      <div className="modal-actions">
        <button type="button" data-autofocus onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="danger" disabled={busy} onClick={onConfirm}>
          {busy ? 'Deleting…' : 'Delete'}
        </button>
      </div>
    </Modal>
  );
}
