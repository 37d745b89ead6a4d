const LABELS: Record<string, string> = {
  pending: 'pending',
  queued: 'queued',
  running: 'running',
  completed: 'completed',
  partial: 'partial',
  failed: 'failed',
  skipped: 'skipped',
  missed: 'missed',
  active: 'active',
  stopped: 'stopped',
};

/** A job or run status as a coloured word (the word carries the meaning, not the colour). */
export function StatusBadge({ status, title }: { status: string; title?: string }) {
  return (
    <span className={`badge badge-${status}`} data-status={status} title={title}>
      {LABELS[status] ?? status}
    </span>
  );
}
