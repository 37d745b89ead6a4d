/**
 * The indicators of CONTRACT.md section 11 against an independent reading of the contract
 * (test/support/indicator-reference.ts) over the recorded MSFT and AAPL closes and adjcloses,
 * to 1e-9 relative; the edges (too few bars, a flat series, n = 1); the names refused.
 */
import { describe, expect, it } from 'vitest';
import {
  computeIndicator,
  indicatorListSchema,
  indicatorNamesParam,
  parseIndicatorName,
  type IndicatorSpec,
} from '../src/domain/indicators';
import { refIndicator, relativeMisses } from './support/indicator-reference';
import { AAPL_RECORDING, MSFT_RECORDING, recordedPrices } from './support/recordings';

const NAMES = [
  'sma:1',
  'sma:20',
  'sma:50',
  'ema:1',
  'ema:12',
  'ema:26',
  'rsi:2',
  'rsi:14',
  'volatility:2',
  'volatility:20',
  'return:1',
  'return:5',
  'drawdown',
];

const spec = (name: string): IndicatorSpec => {
  const parsed = parseIndicatorName(name);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
};

describe.each([
  ['MSFT', MSFT_RECORDING, 252],
  ['AAPL', AAPL_RECORDING, 49],
])('%s recording', (_symbol, file, bars) => {
  const recorded = recordedPrices(file);
  it('has the bars the fixture README promises', () => {
    expect(recorded.close).toHaveLength(bars);
  });
  describe.each(['close', 'adj_close'] as const)('%s', (price) => {
    it.each(NAMES)('%s matches the contract to 1e-9 relative', (name) => {
      const p = recorded[price];
      const expected = refIndicator(name, p);
      // A window the series can fill leaves some values: the comparison is not all nulls.
      if (name !== 'sma:50' || p.length >= 50) {
        expect(expected.some((v) => v !== null)).toBe(true);
      }
      expect(relativeMisses(computeIndicator(spec(name), p), expected)).toEqual([]);
    });
  });
});

describe('edges', () => {
  const p = [10, 11, 10.5, 12, 11.5];

  it('is all null when n is larger than the series', () => {
    for (const name of ['sma:6', 'ema:6', 'rsi:5', 'volatility:5', 'return:5']) {
      expect(computeIndicator(spec(name), p), name).toEqual([null, null, null, null, null]);
    }
    expect(computeIndicator(spec('sma:3'), [])).toEqual([]);
  });

  it('first values land on the bar the contract says', () => {
    expect(computeIndicator(spec('sma:3'), p)).toEqual([null, null, 31.5 / 3, 33.5 / 3, 34 / 3]);
    expect(computeIndicator(spec('ema:3'), p).slice(0, 3)).toEqual([null, null, 31.5 / 3]);
    expect(computeIndicator(spec('rsi:4'), p).findIndex((v) => v !== null)).toBe(4);
    expect(computeIndicator(spec('volatility:3'), p).findIndex((v) => v !== null)).toBe(3);
    expect(computeIndicator(spec('return:2'), p)).toEqual([
      null,
      null,
      10.5 / 10 - 1,
      12 / 11 - 1,
      11.5 / 10.5 - 1,
    ]);
    expect(computeIndicator(spec('drawdown'), p)).toEqual([0, 0, 10.5 / 11 - 1, 0, 11.5 / 12 - 1]);
  });

  it('RSI of a flat series is 100, of a falling one 0', () => {
    expect(computeIndicator(spec('rsi:3'), [5, 5, 5, 5, 5])).toEqual([null, null, null, 100, 100]);
    expect(computeIndicator(spec('rsi:2'), [5, 4, 3, 2])).toEqual([null, null, 0, 0]);
  });

  it('n = 1: sma and ema are the price, return the day change, rsi 100 or 0', () => {
    expect(computeIndicator(spec('sma:1'), p)).toEqual(p);
    expect(computeIndicator(spec('ema:1'), p)).toEqual(p);
    expect(computeIndicator(spec('return:1'), [10, 11])).toEqual([null, 11 / 10 - 1]);
    expect(computeIndicator(spec('rsi:1'), [10, 11, 10.5])).toEqual([null, 100, 0]);
  });

  it('a zero price gives null where the math has no finite answer, not NaN', () => {
    expect(computeIndicator(spec('volatility:2'), [1, 0, 1, 2])).toEqual([null, null, null, null]);
    expect(computeIndicator(spec('return:1'), [0, 1])).toEqual([null, null]);
  });
});

describe('names', () => {
  it('parses and normalises names, repeats kept once', () => {
    expect(indicatorNamesParam.parse('SMA:20, rsi:14,drawdown,sma:20')).toEqual([
      { name: 'sma:20', kind: 'sma', n: 20 },
      { name: 'rsi:14', kind: 'rsi', n: 14 },
      { name: 'drawdown', kind: 'drawdown', n: 0 },
    ]);
  });

  it.each([
    ['macd:12', /"macd:12" must be sma:n, ema:n/],
    ['sma', /"sma" must be sma:n/],
    ['sma:0', /n must be from 1 to 1000 for sma/],
    ['ema:1001', /n must be from 1 to 1000 for ema/],
    ['volatility:1', /n must be from 2 to 1000 for volatility/],
    ['sma:2.5', /must be sma:n/],
    ['drawdown:3', /must be sma:n/],
  ])('refuses %s', (name, message) => {
    const result = indicatorListSchema.safeParse([name]);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path).toEqual([0]);
    expect(result.error!.issues[0]!.message).toMatch(message);
  });

  it('refuses an empty list and more than 20 names', () => {
    expect(indicatorNamesParam.safeParse('').error?.issues[0]?.message).toMatch(/at least 1/);
    const many = Array.from({ length: 21 }, (_, i) => `sma:${i + 1}`).join(',');
    expect(indicatorNamesParam.safeParse(many).error?.issues[0]?.message).toMatch(/at most 20/);
  });
});
