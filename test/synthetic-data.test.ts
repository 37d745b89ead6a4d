/**
 * Made-up bars never pass for market data: the replay server labels them, the Yahoo client
 * turns the label into the record's `source`, they fall on the exchange's sessions only, and
 * a symbol nobody asked to invent (a typo such as APPL) fails as it does against Yahoo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTED_SYMBOLS } from '../src/replay/listed-symbols';
import { startReplayServer, type ReplayServer } from '../src/replay/replay-server';
import { ProviderError } from '../src/server/market-data/provider';
import { YahooProvider } from '../src/server/market-data/yahoo';

let any: ReplayServer;
let listed: ReplayServer;
let none: ReplayServer;
const NOW = Date.parse('2027-01-15T00:00:00Z');

beforeAll(async () => {
  any = await startReplayServer({ synthetic: true, now: () => NOW });
  listed = await startReplayServer({ synthetic: LISTED_SYMBOLS, now: () => NOW });
  none = await startReplayServer({ now: () => NOW });
});

afterAll(async () => {
  await Promise.all([any?.close(), listed?.close(), none?.close()]);
});

const yahoo = (server: ReplayServer) => new YahooProvider({ baseUrl: server.url, timeoutMs: 2000 });

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('synthetic bars', () => {
  it('are labelled synthetic, in the answer and in what the client returns', async () => {
    const res = await fetch(
      `${any.url}/v8/finance/chart/NFLX?period1=1795392000&period2=1796083200&interval=1d`,
    );
    const body = (await res.json()) as { chart: { result: [{ meta: Record<string, unknown> }] } };
    expect(body.chart.result[0].meta.source).toBe('synthetic');
    const history = await yahoo(any).dailyHistory('NFLX', '2026-11-23', '2026-11-30');
    expect(history.source).toBe('synthetic');
  });

  it('fall on New York sessions only: no weekend, no Thanksgiving, no Christmas', async () => {
    const history = await yahoo(any).dailyHistory('NFLX', '2026-11-20', '2026-12-29');
    const dates = history.bars.map((b) => b.date);
    expect(dates).not.toContain('2026-11-26');
    expect(dates).not.toContain('2026-12-25');
    expect(dates).toContain('2026-11-27');
    for (const date of dates) expect([1, 2, 3, 4, 5]).toContain(new Date(date).getUTCDay());
    expect(dates.slice(0, 7)).toEqual([
      '2026-11-20',
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-27',
      '2026-11-30',
      '2026-12-01',
    ]);
  });

  it('follow the symbol’s own exchange: London closes for Boxing Day, in its zone and pence', async () => {
    const history = await yahoo(any).dailyHistory('VOD.L', '2026-12-21', '2026-12-31');
    expect(history).toMatchObject({ exchange_timezone: 'Europe/London', currency: 'GBp' });
    // 25 Dec is a Friday, so Boxing Day (Saturday 26th) is observed on Monday 28th.
    expect(history.bars.map((b) => b.date)).toEqual([
      '2026-12-21',
      '2026-12-22',
      '2026-12-23',
      '2026-12-24',
      '2026-12-29',
      '2026-12-30',
      '2026-12-31',
    ]);
  });

  it('the recordings stay real where they cover the dates', async () => {
    const history = await yahoo(listed).dailyHistory('AAPL', '2020-08-31', '2020-11-06');
    expect(history.bars).toHaveLength(49);
    expect(history.source).toBeUndefined();
    // The same symbol on dates the recording does not hold: made up, and said so.
    const today = await yahoo(listed).dailyHistory('AAPL', '2027-01-04', '2027-01-08');
    expect(today.source).toBe('synthetic');
    expect(today.bars).toHaveLength(5);
  });
});

describe('unknown symbols', () => {
  it('fail like Yahoo unless the symbol is listed (a typo such as APPL is not)', async () => {
    expect((await yahoo(listed).dailyHistory('META', '2027-01-04', '2027-01-08')).source).toBe(
      'synthetic',
    );
    const typo = await failure(yahoo(listed).dailyHistory('APPL', '2027-01-04', '2027-01-08'));
    expect(typo.kind).toBe('unknown_symbol');
    expect(typo.message).toBe(
      'unknown symbol (provider said: No data found, symbol may be delisted)',
    );
    // SI is recorded as unknown: unknown in every mode.
    expect((await failure(yahoo(any).dailyHistory('SI', '2027-01-04', '2027-01-08'))).kind).toBe(
      'unknown_symbol',
    );
  });

  it('get made-up bars for any symbol only when asked for (synthetic: true)', async () => {
    expect((await yahoo(any).dailyHistory('APPL', '2027-01-04', '2027-01-08')).source).toBe(
      'synthetic',
    );
    expect((await failure(yahoo(none).dailyHistory('META', '2027-01-04', '2027-01-08'))).kind).toBe(
      'unknown_symbol',
    );
  });
});
