'use client';

import { useCan } from '~/components/auth/use-actor';
import type { Job } from '~/trpc/shapes';
import { useJobActions } from './use-job-actions';

/** A job and what to do when its Edit or Delete button is pressed. */
export interface JobActionsProps {
  job: Job;
  onEdit: (job: Job) => void;
  onDelete: (job: Job) => void;
}

/** Run now, stop or start, edit, delete: each button names its job for screen readers. */
export function JobActions({ job, onEdit, onDelete }: JobActionsProps) {
  const actions = useJobActions();
  // Hidden from viewers (the server refuses them with 403 anyway).
  const mayChange = useCan('editor');
  if (!mayChange) return null;
  const name = <span className="sr-only"> {job.name}</span>;
  return (
    <div className="actions" data-notify-anchor>
      <button type="button" disabled={actions.pending} onClick={() => actions.runNow(job)}>
        Run now{name}
      </button>
      {job.is_active ? (
        <button type="button" disabled={actions.pending} onClick={() => actions.stop(job)}>
          Stop{name}
        </button>
      ) : (
        <button type="button" disabled={actions.pending} onClick={() => actions.start(job)}>
          Start{name}
        </button>
      )}
      <button type="button" onClick={() => onEdit(job)}>
        Edit{name}
      </button>
      <button type="button" className="danger-text" onClick={() => onDelete(job)}>
        Delete{name}
      </button>
    </div>
  );
}
