/** The dashboard's words and numbers: relative times, plurals, run counts, error details. */
import { describe, expect, it } from 'vitest';
import { runErrorLine, describeRunCounts } from '../src/components/job/run-words';
import { tickFor } from '../src/components/live/use-now';
import { plainError, plural, relativeTime } from '../src/components/ui/format';

const NOW = Date.parse('2026-12-01T10:00:00.000Z');
const at = (ms: number) => new Date(NOW + ms).toISOString();

describe('relativeTime', () => {
  it('says "just now", then seconds ago, for a past event', () => {
    expect(relativeTime(at(-3_000), NOW, true)).toBe('just now');
    expect(relativeTime(at(-10_000), NOW, true)).toBe('10 s ago');
    expect(relativeTime(at(-59_900), NOW, true)).toBe('59 s ago');
    expect(relativeTime(at(-5 * 60_000), NOW, true)).toBe('5 min ago');
  });

  it('never reads a past event as future, even when it looks ahead of the page clock', () => {
    // The server's clock 12 s ahead of the browser's, or a clock read before the event came.
    expect(relativeTime(at(12_000), NOW, true)).toBe('just now');
    expect(relativeTime(at(3_000), NOW, true)).toBe('just now');
  });

  it('keeps future times future', () => {
    expect(relativeTime(at(3_000), NOW)).toBe('in a moment');
    expect(relativeTime(at(12_000), NOW)).toBe('in 12 s');
    expect(relativeTime(at(3 * 3_600_000), NOW)).toBe('in 3 h');
  });
});

describe('tickFor', () => {
  it('ticks each second while under a minute away, slower further out', () => {
    expect(tickFor(-5_000)).toBe(1_000);
    expect(tickFor(59_000)).toBe(1_000);
    expect(tickFor(-5 * 60_000)).toBe(10_000);
    expect(tickFor(3 * 3_600_000)).toBe(60_000);
  });
});

describe('plural', () => {
  it('is singular for exactly one', () => {
    expect(plural(1, 'bar')).toBe('1 bar');
    expect(plural(0, 'bar')).toBe('0 bars');
    expect(plural(21, 'bar')).toBe('21 bars');
    expect(plural(1000, 'bar')).toBe('1,000 bars');
  });
});

describe('describeRunCounts', () => {
  it('says what the success rate is out of', () => {
    expect(describeRunCounts({ finished: 1, completed: 0, partial: 0, failed: 1 })).toBe(
      '0 of 1 run completed, 1 failed',
    );
    expect(describeRunCounts({ finished: 4, completed: 2, partial: 1, failed: 1 })).toBe(
      '2 of 4 runs completed, 1 partial, 1 failed',
    );
    expect(describeRunCounts({ finished: 0, completed: 0, partial: 0, failed: 0 })).toBe(
      'no run finished yet',
    );
  });
});

describe('failure details', () => {
  const unreachable = 'provider unreachable after 4 attempts: connect ECONNREFUSED 127.0.0.1:9';

  it('splits a symbol error into a headline and the rest, without repeating the headline', () => {
    expect(plainError(unreachable)).toEqual({
      summary: 'Provider unreachable after 4 attempts',
      detail: 'connect ECONNREFUSED 127.0.0.1:9',
    });
    expect(
      plainError('unknown symbol (provider said: No data found, symbol may be delisted)'),
    ).toEqual({
      summary: 'Unknown symbol',
      detail: 'provider said: No data found, symbol may be delisted',
    });
    expect(plainError('rate-limited after 4 attempts')).toEqual({
      summary: 'Rate-limited after 4 attempts',
      detail: null,
    });
  });

  it('does not repeat the symbols’ errors as the run error when every symbol failed', () => {
    const failed = { symbol: 'AAPL', status: 'error' as const, error: unreachable };
    const ok = { symbol: 'MSFT', status: 'ok' as const, bars: 21, key: 'k' };
    expect(
      runErrorLine({ error: `all 1 symbol failed: AAPL: ${unreachable}`, symbols: [failed] }),
    ).toBe('Its one symbol failed; see below.');
    expect(
      runErrorLine({
        error: 'all 2 symbols failed: ...',
        symbols: [failed, { ...failed, symbol: 'X' }],
      }),
    ).toBe('All 2 symbols failed; see below.');
    expect(runErrorLine({ error: 'cancelled: the run was stopped', symbols: [ok] })).toBe(
      'cancelled: the run was stopped',
    );
    expect(runErrorLine({ error: null, symbols: [ok] })).toBeNull();
  });
});
