'use client';

import { useQueryClient } from '@tanstack/react-query';
import { applyChange } from '~/components/live/live-cache';
import { useLive } from '~/components/live/live-updates';
import { useNotify } from '~/components/ui/notifications';
import { api } from '~/trpc/react';
import type { Job } from '~/trpc/shapes';

/**
 * Run now, stop, start and delete, with a message for each outcome. The change events bring
 * the new state; when they are not flowing, the affected queries are refetched instead.
 */
export function useJobActions() {
  const notify = useNotify();
  const { afterMutation } = useLive();
  const client = useQueryClient();
  const fail = (what: string) => (error: { message: string }) =>
    notify(`Could not ${what}: ${error.message}`, 'error');

  const runNow = api.jobs.runNow.useMutation({ onSettled: afterMutation });
  const stop = api.jobs.stop.useMutation({ onSettled: afterMutation });
  const start = api.jobs.start.useMutation({ onSettled: afterMutation });
  const remove = api.jobs.delete.useMutation({ onSettled: afterMutation });

  return {
    pending: runNow.isPending || stop.isPending || start.isPending || remove.isPending,
    runNow: (job: Job) =>
      runNow.mutate(
        { job_id: job.job_id },
        {
          onSuccess: () => notify(`Run queued: ${job.name}`),
          onError: fail(`run ${job.name}`),
        },
      ),
    stop: (job: Job) =>
      stop.mutate(
        { job_id: job.job_id },
        { onSuccess: () => notify(`Stopped: ${job.name}`), onError: fail(`stop ${job.name}`) },
      ),
    start: (job: Job) =>
      start.mutate(
        { job_id: job.job_id },
        { onSuccess: () => notify(`Started: ${job.name}`), onError: fail(`start ${job.name}`) },
      ),
    remove: (job: Job, onDone?: () => void) =>
      remove.mutate(
        { job_id: job.job_id },
        {
          onSuccess: () => {
            applyChange(client, { type: 'job', action: 'deleted', job_id: job.job_id, job: null });
            notify(`Deleted: ${job.name}`);
            onDone?.();
          },
          onError: fail(`delete ${job.name}`),
        },
      ),
  };
}
