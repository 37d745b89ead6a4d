'use client';

import { api } from '~/trpc/react';

/** A symbol's gaps and suspicious bars, as stored: nothing here is repaired. */
export function QualityList({ symbol }: { symbol: string }) {
  const quality = api.data.quality.useQuery({ symbol }, { staleTime: 60_000 });
  if (quality.isPending) return <p className="muted">Checking {symbol}…</p>;
  if (quality.isError) {
    return (
      <p className="error-text" role="alert">
        Could not check {symbol}: {quality.error.message}
      </p>
    );
  }
  const { gaps, issues } = quality.data;
  if (gaps.length === 0 && issues.length === 0) {
    return <p className="muted">No gaps and no suspicious bars.</p>;
  }
  return (
    <ul className="quality-list" aria-label={`Quality of ${symbol}`}>
      {gaps.map((g) => (
        <li key={`gap-${g.from}`}>
          Gap: {g.sessions} session{g.sessions === 1 ? '' : 's'} with no bar,{' '}
          {g.from === g.to ? g.from : `${g.from} to ${g.to}`}
        </li>
      ))}
      {issues.map((i) => (
        <li key={`${i.date}-${i.kind}`}>
          {i.date} · <code>{i.kind}</code> · {i.detail}
        </li>
      ))}
    </ul>
  );
}
