'use client';

import Link from 'next/link';
import { indicatorLabel } from '~/components/job-form/analysis-draft';
import { RelativeTime } from '~/components/ui/relative-time';
import { api } from '~/trpc/react';
import type { Job } from '~/trpc/shapes';
import { formatIndicatorValue, signalWords } from './analysis-words';

/** An analysis job's latest values and signals, one row per symbol, from its last run. */
export function AnalysisPanel({ job }: { job: Job }) {
  const analysis = api.jobs.analysis.useQuery(
    { job_id: job.job_id },
    { staleTime: Infinity, retry: (n, e) => e.data?.code !== 'NOT_FOUND' && n < 2 },
  );
  if (analysis.isPending) {
    return (
      <p className="muted" role="status">
        Loading the latest values…
      </p>
    );
  }
  if (analysis.isError && analysis.error.data?.code !== 'NOT_FOUND') {
    return (
      <p className="error-text" role="alert">
        Could not load the analysis: {analysis.error.message}
      </p>
    );
  }
  const data = analysis.data;
  if (!data || data.symbols.length === 0) {
    return (
      <p className="muted" data-testid="analysis-empty">
        No values yet: they appear after the job&apos;s first run.
      </p>
    );
  }
  // The job's own order, then anything the stored answer has beyond it (an edited list).
  const names = [
    ...new Set([
      ...(job.analysis?.indicators ?? []),
      ...data.symbols.flatMap((s) => Object.keys(s.values)),
    ]),
  ];
  const holding = data.symbols.reduce((n, s) => n + s.signals.filter((x) => x.holds).length, 0);
  return (
    <>
      <p className="record-meta">
        Computed <RelativeTime value={data.computed_at} past />
        {data.run_id && (
          <>
            {' '}
            by <Link href={`#run-${data.run_id}`}>its latest run</Link>
          </>
        )}{' '}
        · {holding === 0 ? 'no signal holds' : `${holding} signal${holding === 1 ? '' : 's'} hold`}
      </p>
      <div className="table-wrap">
        <table className="compact-table analysis-table" aria-label="Latest values">
          <thead>
            <tr>
              <th scope="col">Symbol</th>
              <th scope="col">Bar</th>
              {names.map((n) => (
                <th key={n} scope="col" className="num">
                  {indicatorLabel(n)}
                </th>
              ))}
              <th scope="col">Signals</th>
            </tr>
          </thead>
          <tbody>
            {data.symbols.map((s) => (
              <tr key={s.symbol} data-symbol={s.symbol}>
                <th scope="row">
                  <Link href={`/data/${encodeURIComponent(s.symbol)}`}>{s.symbol}</Link>
                </th>
                {s.error ? (
                  <td colSpan={names.length + 2} className="error-text">
                    {s.error}
                  </td>
                ) : (
                  <>
                    <td>{s.date ?? '–'}</td>
                    {names.map((n) => (
                      <td key={n} className="num" data-indicator={n}>
                        {formatIndicatorValue(n, s.values[n])}
                      </td>
                    ))}
                    <td>
                      {s.signals.length === 0 ? (
                        <span className="muted">none set</span>
                      ) : (
                        <ul className="signal-list">
                          {s.signals.map((x, i) => (
                            <li key={i} data-holds={x.holds}>
                              <span className={`badge badge-${x.holds ? 'partial' : 'pending'}`}>
                                {x.holds ? 'holds' : 'no'}
                              </span>{' '}
                              {signalWords(x)}
                              {x.observed !== null && x.observed !== undefined && (
                                <span className="muted">
                                  {' '}
                                  (now {formatIndicatorValue(x.indicator, x.observed)})
                                </span>
                              )}
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
