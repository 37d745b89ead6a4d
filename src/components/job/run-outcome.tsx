import { plainError } from '~/components/ui/format';
import type { Run } from '~/trpc/shapes';
import { runErrorLine } from './run-words';

/** Each symbol outcome's badge: its colour class and its word. */
const OUTCOME_BADGES = {
  ok: { badge: 'completed', word: 'stored' },
  cached: { badge: 'cached', word: 'from series' },
  error: { badge: 'failed', word: 'failed' },
} as const;

/**
 * What a run did for each symbol: bars stored (fetched, or written from the symbol's series
 * when that was already fresh), or why it failed, in plain words.
 */
export function RunOutcome({ run }: { run: Run }) {
  const failed = run.symbols.filter((s) => s.status === 'error').length;
  const errorLine = runErrorLine(run);
  return (
    <div className="run-outcome">
      {run.note && <p className="muted">{run.note}</p>}
      {errorLine && (
        <p className="error-text">
          <strong>Run error:</strong> {errorLine}
        </p>
      )}
      {run.symbols.length === 0 ? (
        <p className="muted">
          {run.status === 'running' || run.status === 'queued'
            ? 'Symbols appear here when the run finishes.'
            : 'No symbol was fetched.'}
        </p>
      ) : (
        <table
          className="compact-table"
          aria-label={`Symbols of the run started ${run.started_at}`}
        >
          <caption className="sr-only">
            {run.symbols.length - failed} of {run.symbols.length} symbols stored
          </caption>
          <thead>
            <tr>
              <th scope="col">Symbol</th>
              <th scope="col">Result</th>
              <th scope="col">Bars</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {run.symbols.map((s) => {
              const problem = s.error ? plainError(s.error) : null;
              return (
                <tr key={s.symbol} data-symbol={s.symbol} data-outcome={s.status}>
                  <th scope="row">{s.symbol}</th>
                  <td>
                    <span
                      className={`badge badge-${OUTCOME_BADGES[s.status].badge}`}
                      title={
                        s.status === 'cached'
                          ? 'The series was already fresh: written from it, the provider was not asked'
                          : undefined
                      }
                    >
                      {OUTCOME_BADGES[s.status].word}
                    </span>
                  </td>
                  <td>{s.bars ?? '–'}</td>
                  <td className="outcome-detail">
                    {problem ? (
                      <>
                        <strong>{problem.summary}</strong>
                        {problem.detail && <span className="muted"> — {problem.detail}</span>}
                      </>
                    ) : (
                      <span className="muted mono">{s.key}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
