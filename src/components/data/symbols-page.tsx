'use client';

import Link from 'next/link';
import { useDeferredValue, useId, useState } from 'react';
import { RelativeTime } from '~/components/ui/relative-time';
import { api } from '~/trpc/react';

/** Every symbol with a series: coverage, freshness, gaps and the jobs that keep it. */
export function SymbolsPage() {
  const id = useId();
  const [q, setQ] = useState('');
  const [calendar, setCalendar] = useState('');
  const query = useDeferredValue(q.trim().toUpperCase());
  const list = api.data.symbols.useQuery(undefined, { staleTime: 30_000 });
  const all = list.data?.symbols ?? [];
  const calendars = [...new Set(all.map((s) => s.calendar))].sort();
  const shown = all.filter(
    (s) => (!query || s.symbol.includes(query)) && (!calendar || s.calendar === calendar),
  );

  return (
    <>
      <div className="page-head">
        <h1>Market data</h1>
      </div>
      <div className="filter-bar">
        <div className="field field-inline">
          <label htmlFor={`${id}-q`}>Search</label>
          <input
            id={`${id}-q`}
            type="search"
            value={q}
            placeholder="Symbol"
            onChange={(e) => setQ(e.target.value)}
          />
        </div>
        <div className="field field-inline">
          <label htmlFor={`${id}-cal`}>Exchange</label>
          <select id={`${id}-cal`} value={calendar} onChange={(e) => setCalendar(e.target.value)}>
            <option value="">All</option>
            {calendars.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </div>
      </div>
      {list.isPending && (
        <p className="placeholder" role="status">
          Loading symbols…
        </p>
      )}
      {list.isError && (
        <p className="error-text" role="alert">
          Could not load the symbols: {list.error.message}
        </p>
      )}
      {list.data && shown.length === 0 && (
        <p className="placeholder">
          {all.length === 0
            ? 'No market data yet: it appears here once a job has fetched a symbol.'
            : 'No symbol matches.'}
        </p>
      )}
      {shown.length > 0 && (
        <div className="table-wrap">
          <table aria-label="Symbols with stored data">
            <thead>
              <tr>
                <th scope="col">Symbol</th>
                <th scope="col">Exchange</th>
                <th scope="col">Last session</th>
                <th scope="col">State</th>
                <th scope="col">Bars</th>
                <th scope="col">First date</th>
                <th scope="col">Gaps</th>
                <th scope="col">Jobs</th>
                <th scope="col">Fetched</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((s) => (
                <tr key={s.symbol}>
                  <th scope="row">
                    <Link href={`/data/${encodeURIComponent(s.symbol)}`}>{s.symbol}</Link>
                  </th>
                  <td>{s.calendar}</td>
                  <td>{s.last_date ?? '–'}</td>
                  <td>
                    <span className={`badge ${s.fresh ? 'badge-completed' : 'badge-partial'}`}>
                      {s.fresh ? 'fresh' : 'stale'}
                    </span>
                  </td>
                  <td>{s.bars.toLocaleString('en-US')}</td>
                  <td>{s.first_date ?? '–'}</td>
                  <td>{s.missing_sessions}</td>
                  <td>{s.jobs.length}</td>
                  <td>{s.fetched_at ? <RelativeTime value={s.fetched_at} /> : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
