'use client';

import { useSyncExternalStore } from 'react';
import type { Run } from '~/trpc/shapes';
import type { ChangeEvent } from './live-cache';

/**
 * The run each job has in flight (queued or running, with its progress), fed by the change
 * events. A row subscribes to its own job only, so a progress event re-renders one row.
 */
const inFlight = new Map<string, Run>();
const listeners = new Map<string, Set<() => void>>();

function notify(jobId: string) {
  for (const l of listeners.get(jobId) ?? []) l();
}

/** Runs that finished: a progress event published late must not bring one back. */
const finished = new Set<string>();
const FINISHED_KEPT = 2000;

export function trackRun(event: ChangeEvent): void {
  if (event.type === 'job') {
    if (event.action === 'deleted' && inFlight.delete(event.job_id)) notify(event.job_id);
    return;
  }
  const { run } = event;
  const current = inFlight.get(event.job_id);
  if (event.action === 'queued' || event.action === 'started' || event.action === 'progress') {
    if (finished.has(run.run_id)) return;
    // A run waiting behind a running one does not hide the running one's progress.
    const busy = current && current.run_id !== run.run_id && current.status === 'running';
    if (busy && event.action !== 'started') return;
    inFlight.set(event.job_id, run);
    notify(event.job_id);
    return;
  }
  finished.add(run.run_id);
  if (finished.size > FINISHED_KEPT) finished.delete(finished.values().next().value!);
  if (current && current.run_id === run.run_id) {
    inFlight.delete(event.job_id);
    notify(event.job_id);
  }
}

/** The job's queued or running run, or undefined. */
export function useLiveRun(jobId: string): Run | undefined {
  return useSyncExternalStore(
    (listener) => {
      let set = listeners.get(jobId);
      if (!set) listeners.set(jobId, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(jobId);
      };
    },
    () => inFlight.get(jobId),
    () => undefined,
  );
}
