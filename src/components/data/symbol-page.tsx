'use client';

import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { RelativeTime } from '~/components/ui/relative-time';
import { api } from '~/trpc/react';
import { OVERLAYS, overlayLine, type OverlayName } from './overlays';
import { RANGES, type RangeLabel } from './series-chart';
import { QualityList } from './quality-list';
import { RSI, rsiLine, rsiWords } from './rsi';

const SeriesChart = dynamic(() => import('./series-chart').then((m) => m.SeriesChart), {
  ssr: false,
  loading: () => <div className="chart chart-tall chart-loading" aria-hidden="true" />,
});

type Adjust = 'split' | 'all';

/** One symbol's whole series: chart with range and adjustment, CSV, quality, its jobs. */
export function SymbolPage({ symbol }: { symbol: string }) {
  const [range, setRange] = useState<RangeLabel>('1Y');
  const [adjust, setAdjust] = useState<Adjust>('split');
  const bars = api.data.bars.useQuery(
    { symbol, adjust },
    { staleTime: 60_000, retry: (n, e) => e.data?.code !== 'NOT_FOUND' && n < 2 },
  );
  const listing = api.data.symbols.useQuery({ q: symbol }, { staleTime: 30_000 });
  const summary = listing.data?.symbols.find((s) => s.symbol === symbol);
  const data = bars.data;
  const [shown, setShown] = useState<OverlayName[]>([]);
  const lines = useMemo(
    () =>
      data
        ? OVERLAYS.filter((o) => shown.includes(o.name)).map((o) => overlayLine(data.bars, o.name))
        : [],
    [data, shown],
  );
  const [showRsi, setShowRsi] = useState(false);
  const indicators = api.data.indicators.useQuery(
    { symbol, names: RSI.name, price: adjust === 'all' ? 'adj_close' : 'close' },
    { enabled: showRsi && !!data, staleTime: 60_000 },
  );
  const rsiData = indicators.data?.indicators[RSI.name];
  const rsi = useMemo(() => (showRsi && rsiData ? rsiLine(rsiData) : null), [showRsi, rsiData]);
  const toggle = (name: OverlayName, on: boolean) =>
    setShown((list) => (on ? [...list, name] : list.filter((n) => n !== name)));

  return (
    <>
      <p className="muted">
        <Link href="/data">Market data</Link> / {symbol}
      </p>
      <div className="page-head">
        <h1>{symbol}</h1>
        {summary && (
          <span className={`badge ${summary.fresh ? 'badge-completed' : 'badge-partial'}`}>
            {summary.fresh ? 'fresh' : 'stale'}
          </span>
        )}
      </div>
      {bars.isPending && (
        <p className="placeholder" role="status">
          Loading {symbol}…
        </p>
      )}
      {bars.isError &&
        (bars.error.data?.code === 'NOT_FOUND' ? (
          <p className="placeholder">
            No stored series for {symbol}: it appears once a job fetches it.
          </p>
        ) : (
          <p className="error-text" role="alert">
            Could not load {symbol}: {bars.error.message}
          </p>
        ))}
      {data && (
        <>
          <p className="record-meta">
            {data.calendar} · {data.currency ?? 'no currency'} ·{' '}
            {data.bars.length.toLocaleString('en-US')} bars from {data.start} to {data.end}
            {summary?.last_session ? ` · last session ${summary.last_session}` : ''}
            {data.fetched_at && (
              <>
                {' '}
                · fetched <RelativeTime value={data.fetched_at} />
              </>
            )}
          </p>
          <div className="data-toolbar">
            <div className="range-buttons" role="group" aria-label="Range shown">
              {RANGES.map((r) => (
                <button
                  key={r.label}
                  type="button"
                  aria-pressed={range === r.label}
                  onClick={() => setRange(r.label)}
                >
                  {r.label}
                </button>
              ))}
            </div>
            <fieldset className="segmented" aria-label="Prices">
              <label>
                <input
                  type="radio"
                  name="adjust"
                  checked={adjust === 'split'}
                  onChange={() => setAdjust('split')}
                />
                Split-adjusted
              </label>
              <label>
                <input
                  type="radio"
                  name="adjust"
                  checked={adjust === 'all'}
                  onChange={() => setAdjust('all')}
                />
                Dividends too
              </label>
            </fieldset>
            <a
              className="button"
              href={`/scheduler/data/${encodeURIComponent(symbol)}/bars.csv?adjust=${adjust}`}
              download={`${symbol}.csv`}
            >
              Download CSV
            </a>
          </div>
          <fieldset className="segmented overlay-picker" aria-label="Moving averages">
            {OVERLAYS.map((o) => (
              <label key={o.name}>
                <input
                  type="checkbox"
                  checked={shown.includes(o.name)}
                  onChange={(e) => toggle(o.name, e.target.checked)}
                />
                <span
                  className="overlay-swatch"
                  style={{ background: o.color }}
                  aria-hidden="true"
                />
                {o.label}
              </label>
            ))}
          </fieldset>
          <fieldset className="segmented overlay-picker" aria-label="Lower pane">
            <label>
              <input
                type="checkbox"
                checked={showRsi}
                onChange={(e) => setShowRsi(e.target.checked)}
              />
              {RSI.label} (guides at {RSI.guides.join(' and ')})
            </label>
          </fieldset>
          <SeriesChart data={data} range={range} overlays={lines} rsi={rsi} />
          {showRsi && (
            <p className="muted" role="status" data-testid="rsi-legend">
              {indicators.isError
                ? `${RSI.label} could not be read: ${indicators.error.message}`
                : rsi
                  ? rsiWords(rsi)
                  : `Reading ${RSI.label}…`}
            </p>
          )}
          {lines.length > 0 && (
            <ul className="overlay-legend" aria-label="Moving averages on the last bar">
              {lines.map((l) => (
                <li key={l.name}>
                  <span
                    className="overlay-swatch"
                    style={{ background: l.color }}
                    aria-hidden="true"
                  />
                  {l.label}:{' '}
                  {l.points.length
                    ? `${l.points.at(-1)!.value.toFixed(2)} on ${l.points.at(-1)!.time}`
                    : 'not enough bars'}
                </li>
              ))}
            </ul>
          )}
          <p className="muted">
            {data.splits.length} splits and {data.dividends.length} dividends
            {data.bars.at(-1)?.close != null &&
              ` · last close ${data.bars.at(-1)!.close!.toFixed(2)} on ${data.bars.at(-1)!.date}`}
          </p>
          <section className="card card-wide" aria-labelledby="quality-head">
            <h2 id="quality-head">Quality</h2>
            <QualityList symbol={symbol} />
          </section>
          <section className="card card-wide" aria-labelledby="jobs-head">
            <h2 id="jobs-head">Jobs that fetch it</h2>
            {summary && summary.jobs.length > 0 ? (
              <ul>
                {summary.jobs.map((id) => (
                  <li key={id}>
                    <Link href={`/jobs/${id}`}>{id}</Link>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">No job lists {symbol} now.</p>
            )}
          </section>
        </>
      )}
    </>
  );
}
