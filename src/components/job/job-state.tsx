'use client';

import { useLiveRun } from '~/components/live/live-runs';
import { StatusBadge } from '~/components/ui/status-badge';
import type { Job } from '~/trpc/shapes';
import { RunProgress } from './run-progress';

/** A job's current state: queued, running with its progress, or the last outcome. */
export function JobState({ job }: { job: Job }) {
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
  return <StatusBadge status={job.status} />;
}
