/** Freshness against the exchange calendar at fixed instants: a close, a weekend, a holiday. */
import { describe, expect, it } from 'vitest';
import { freshness } from '../src/server/market-data/freshness';

const at = (iso: string) => Date.parse(iso);

describe('freshness (XNYS, DATA_SETTLE_MINUTES 30)', () => {
  it('turns to the day just closed only once it has settled', () => {
    // Friday 12 January 2024 closes at 16:00 New York (21:00Z).
    expect(freshness('AAPL', '2024-01-11', at('2024-01-12T21:29:59Z'), 30)).toMatchObject({
      calendar: 'XNYS',
      last_session: '2024-01-11',
      fresh: true,
    });
    expect(freshness('AAPL', '2024-01-11', at('2024-01-12T21:30:00Z'), 30)).toMatchObject({
      last_session: '2024-01-12',
      last_close_ms: at('2024-01-12T21:00:00Z'),
      fresh: false,
    });
    expect(freshness('AAPL', '2024-01-12', at('2024-01-12T21:30:00Z'), 30).fresh).toBe(true);
  });

  it('stays fresh over a weekend and a holiday with Friday the last bar', () => {
    expect(freshness('AAPL', '2024-01-12', at('2024-01-13T15:00:00Z'), 30)).toMatchObject({
      last_session: '2024-01-12',
      fresh: true,
    });
    // Monday 15 January 2024 is Martin Luther King Jr. Day: no session.
    expect(freshness('AAPL', '2024-01-12', at('2024-01-15T23:00:00Z'), 30)).toMatchObject({
      last_session: '2024-01-12',
      fresh: true,
    });
    expect(freshness('AAPL', '2024-01-12', at('2024-01-16T21:30:00Z'), 30)).toMatchObject({
      last_session: '2024-01-16',
      fresh: false,
    });
  });

  it('is never fresh without a series, and uses the symbol calendar', () => {
    expect(freshness('AAPL', null, at('2024-01-13T15:00:00Z'), 30).fresh).toBe(false);
    // London: 12 January 2024 closes 16:30 London (16:30Z).
    expect(freshness('VOD.L', '2024-01-11', at('2024-01-12T17:00:00Z'), 30)).toMatchObject({
      calendar: 'XLON',
      last_session: '2024-01-12',
      fresh: false,
    });
  });
});
