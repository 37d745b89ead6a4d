import type { Dashboard } from '~/trpc/shapes';

/** "Scheduler running · 2 instances · 0 queued runs" */
export function SchedulerLine({ status }: { status: Dashboard['scheduler_status'] | undefined }) {
  if (!status) return null;
  const instances = status.instances.length;
  return (
    <p className="scheduler-line muted">
      Scheduler {status.running ? 'running' : 'not running'} · {instances} instance
      {instances === 1 ? '' : 's'} · {status.queued_runs} queued run
      {status.queued_runs === 1 ? '' : 's'} · up to {status.max_concurrent_jobs} at once
    </p>
  );
}
