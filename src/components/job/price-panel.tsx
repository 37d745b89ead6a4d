'use client';

import dynamic from 'next/dynamic';
import { useId, useState } from 'react';
import { formatExact, plural } from '~/components/ui/format';
import { RelativeTime } from '~/components/ui/relative-time';
import { api } from '~/trpc/react';

const PriceChart = dynamic(() => import('./price-chart').then((m) => m.PriceChart), {
  ssr: false,
  loading: () => <div className="chart chart-loading" aria-hidden="true" />,
});

function change(first: number | null | undefined, last: number | null | undefined) {
  if (!first || last === null || last === undefined) return null;
  return ((last - first) / first) * 100;
}

/** The newest stored record of one of the job's symbols, as a chart with its range. */
export function PricePanel({ symbols }: { symbols: readonly string[] }) {
  const id = useId();
  const [symbol, setSymbol] = useState(symbols[0] ?? '');
  const current = symbols.includes(symbol) ? symbol : (symbols[0] ?? '');
  const data = api.data.get.useQuery(
    { symbol: current },
    {
      enabled: current !== '',
      staleTime: 60_000,
      retry: (count, error) => error.data?.code !== 'NOT_FOUND' && count < 2,
    },
  );
  const record = data.data;
  const closes = record?.bars.filter((b) => b.close !== null) ?? [];
  const pct = change(closes[0]?.close, closes.at(-1)?.close);

  return (
    <div className="price-panel">
      {symbols.length > 1 && (
        <div className="field field-inline">
          <label htmlFor={`${id}-symbol`}>Symbol</label>
          <select id={`${id}-symbol`} value={current} onChange={(e) => setSymbol(e.target.value)}>
            {symbols.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
      )}
      {data.isPending && (
        <p className="muted" role="status">
          Loading {current}…
        </p>
      )}
      {data.isError &&
        (data.error.data?.code === 'NOT_FOUND' ? (
          <p className="muted">
            No stored data for {current} yet: it appears after a run fetches it.
          </p>
        ) : (
          <p className="error-text" role="alert">
            Could not load {current}: {data.error.message}
          </p>
        ))}
      {record && (
        <>
          <p className="record-meta">
            <strong>{record.symbol}</strong> · {record.start} to {record.end} ·{' '}
            {plural(record.bars.length, 'bar')}
            {record.currency ? ` · ${record.currency}` : ''} · fetched{' '}
            <RelativeTime value={record.fetched_at} past />
            {record.source === 'synthetic' && (
              <>
                {' '}
                <span
                  className="badge badge-synthetic"
                  title="Made up by the offline replay server (npm run dev:offline): not market data"
                >
                  synthetic data
                </span>
              </>
            )}
          </p>
          {record.bars.length === 0 ? (
            <p className="muted">The record holds no bars for this range.</p>
          ) : (
            <>
              <PriceChart record={record} />
              <p className="muted">
                Last close {closes.at(-1)?.close?.toFixed(2) ?? '–'} on {closes.at(-1)?.date ?? '–'}
                {pct !== null && ` (${pct >= 0 ? '+' : ''}${pct.toFixed(1)}% over the range)`}.
                Fetched {formatExact(record.fetched_at)}.
              </p>
            </>
          )}
        </>
      )}
    </div>
  );
}
