'use client';

import { useLiveRun } from '~/components/live/live-runs';
import { StatusBadge } from '~/components/ui/status-badge';
import type { Job } from '~/trpc/shapes';
import { RunProgress } from './run-progress';

/**
 * A job's current state: queued, running with its progress, or the last outcome; with
 * `headline` (the job page's title), a stopped job that is not running says "stopped".
 */
export function JobState({ job, headline = false }: { job: Job; headline?: boolean }) {
  const run = useLiveRun(job.job_id);
  if (run?.status === 'running' || job.status === 'running') {
    return (
      <span className="job-state">
        <StatusBadge status="running" />
        <RunProgress
          progress={run?.status === 'running' ? run.progress : undefined}
          label={`Progress of ${job.name}`}
        />
      </span>
    );
  }
  if (run?.status === 'queued') return <StatusBadge status="queued" />;
  if (headline && !job.is_active) {
    return <StatusBadge status="stopped" title={`Stopped; its last state: ${job.status}`} />;
  }
  return <StatusBadge status={job.status} />;
}
