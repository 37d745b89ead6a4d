/**
 * The change events of jobs and runs, as the Redis stream stores them and the dashboard's
 * subscription carries them. Types only: the server writes them, the browser reads them.
 */
import type { Job, Run } from './job-definition';

export interface JobEvent {
  type: 'job';
  action: 'created' | 'updated' | 'deleted';
  job_id: string;
  job: Job | null;
}

export interface RunEvent {
  type: 'run';
  action: 'queued' | 'started' | 'progress' | 'finished' | 'skipped' | 'missed';
  job_id: string;
  run: Run;
  job?: Job | null;
}

export type ChangeEvent = JobEvent | RunEvent;

/**
 * The first event of a subscription that cannot resume (it starts fresh, or the events after
 * its resume point were trimmed away): what happened before it must be fetched; everything
 * after it follows as events. It is sent once the start point is fixed, so a client that
 * fetches on receiving it leaves no gap.
 */
export interface SyncEvent {
  type: 'sync';
}

/** What the dashboard's subscription carries. */
export type StreamEvent = ChangeEvent | SyncEvent;
