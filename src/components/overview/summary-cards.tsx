import type { Dashboard } from '~/trpc/shapes';

const CARDS = [
  ['total', 'Jobs'],
  ['active', 'Active'],
  ['running', 'Running now'],
  ['completed_today', 'Completed today'],
  ['failed_today', 'Failed today'],
] as const;

/** The counts across the top of the overview. */
export function SummaryCards({ summary }: { summary: Dashboard['summary'] | undefined }) {
  return (
    <dl className="summary" aria-label="Summary">
      {CARDS.map(([key, label]) => (
        <div key={key} className={`summary-card summary-${key}`}>
          <dt>{label}</dt>
          <dd data-summary={key}>{summary ? summary[key].toLocaleString() : '–'}</dd>
        </div>
      ))}
    </dl>
  );
}
