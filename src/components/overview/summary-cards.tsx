import type { Dashboard } from '~/trpc/shapes';

type Summary = Dashboard['summary'];

const CARDS = [
  ['total', 'Jobs'],
  ['active', 'Active'],
  ['running', 'Running now'],
  ['completed_today', 'Runs completed today'],
  ['failed_today', 'Runs failed today'],
] as const;

/** What the two "today" cards count, in words under the cards. */
export function describeToday(summary: Summary): string {
  const { today, partial_today: partial } = summary;
  const partials = partial ? ` (${partial} today)` : '';
  return `Today's cards count runs, not jobs: every run started since 00:00 ${today.timezone} on ${today.date}; partial runs count as failed${partials}.`;
}

/** The counts across the top of the overview. */
export function SummaryCards({ summary }: { summary: Summary | undefined }) {
  return (
    <>
      <dl className="summary" aria-label="Summary">
        {CARDS.map(([key, label]) => (
          <div key={key} className={`summary-card summary-${key}`}>
            <dt>{label}</dt>
            <dd data-summary={key}>{summary ? summary[key].toLocaleString() : '–'}</dd>
          </div>
        ))}
      </dl>
      {summary && <p className="summary-note muted">{describeToday(summary)}</p>}
    </>
  );
}
