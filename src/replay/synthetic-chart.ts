/**
 * Made-up daily bars in Yahoo's chart shape, for offline demos (`npm run dev:offline`) and
 * load tests: the same on every call, one bar per session of the symbol's exchange calendar
 * (no weekends, no holidays: none on Thanksgiving in New York, none on Boxing Day in London),
 * stamped at the session's open like Yahoo's. The meta says `"source": "synthetic"`, so the
 * client stores them as such and nobody takes them for market data.
 */
import {
  calendarForSymbol,
  getCalendar,
  MAX_RANGE_YEARS,
  sessions,
  type Session,
} from '~/domain/calendars';

const DAY_MS = 86_400_000;

/** What the chart API says of each calendar's venue: Yahoo's exchange code and currency. */
const VENUES: Record<string, { exchange: string; currency: string }> = {
  XNYS: { exchange: 'NYQ', currency: 'USD' },
  XNAS: { exchange: 'NMS', currency: 'USD' },
  XLON: { exchange: 'LSE', currency: 'GBp' },
  XETR: { exchange: 'GER', currency: 'EUR' },
  XTSE: { exchange: 'TOR', currency: 'CAD' },
  XASX: { exchange: 'ASX', currency: 'AUD' },
  XTKS: { exchange: 'JPX', currency: 'JPY' },
  XHKG: { exchange: 'HKG', currency: 'HKD' },
  XBOM: { exchange: 'BSE', currency: 'INR' },
  XNSE: { exchange: 'NSI', currency: 'INR' },
  '24/7': { exchange: 'CCC', currency: 'USD' },
  '24/5': { exchange: 'CCY', currency: 'USD' },
};

/** FNV-1a: a stable 32-bit hash, so synthetic prices depend only on (symbol, date). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const unit = (text: string) => hash(text) / 0x1_0000_0000;
const round = (n: number, places = 2) => Math.round(n * 10 ** places) / 10 ** places;
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The sessions whose open lies in [fromMs, toMs), within what the calendar covers (a range
 * before its first year, or past its last, is cut to the coverage; a longer one to 50 years).
 */
function sessionsOpening(code: string, fromMs: number, toMs: number): Session[] {
  const calendar = getCalendar(code);
  if (!calendar || toMs <= fromMs) return [];
  // A session's date is at most a day off the UTC dates of its instants.
  let start = isoDate(fromMs - DAY_MS);
  const end =
    isoDate(toMs + DAY_MS) < calendar.last_date ? isoDate(toMs + DAY_MS) : calendar.last_date;
  if (start < calendar.first_date) start = calendar.first_date;
  const longest = `${Number(end.slice(0, 4)) - MAX_RANGE_YEARS + 1}${end.slice(4)}`;
  if (start < longest) start = longest;
  if (start > end) return [];
  return sessions(code, start, end).filter((s) => s.open >= fromMs && s.open < toMs);
}

/** Seconds east of UTC, and the short name (EST, GMT+1), of `zone` at `ms`. */
function zoneAt(zone: string, ms: number): { gmtoffset: number; timezone: string } {
  const part = (timeZoneName: 'longOffset' | 'short') =>
    new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName })
      .formatToParts(ms)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(part('longOffset'));
  const gmtoffset = match
    ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 3600 + Number(match[3]) * 60)
    : 0;
  return { gmtoffset, timezone: part('short') };
}

/**
 * Plausible daily bars of `symbol` for [period1, period2) (unix seconds), none after `nowMs`:
 * a price that wanders around a per-symbol level.
 */
export function syntheticChart(
  symbol: string,
  period1: number,
  period2: number,
  nowMs: number,
): unknown {
  const code = calendarForSymbol(symbol);
  const zone = getCalendar(code)?.timezone ?? 'America/New_York';
  const venue = VENUES[code] ?? VENUES.XNYS!;
  const level = 20 + unit(`${symbol}:level`) * 480;
  const phase = unit(`${symbol}:phase`) * 2 * Math.PI;
  const closeOn = (day: number) =>
    level *
    (1 +
      0.15 * Math.sin(day / 23 + phase) +
      0.05 * Math.sin(day / 7.3 + 2 * phase) +
      0.01 * (unit(`${symbol}:${day}`) * 2 - 1));
  const timestamp: number[] = [];
  const quote = {
    open: [] as number[],
    high: [] as number[],
    low: [] as number[],
    close: [] as number[],
    volume: [] as number[],
  };
  const to = Math.min(period2 * 1000, nowMs + 1);
  for (const session of sessionsOpening(code, period1 * 1000, to)) {
    const day = Math.floor(session.open / DAY_MS);
    const close = closeOn(day);
    const openPrice = closeOn(day - 1) * (1 + 0.004 * (unit(`${symbol}:o${day}`) * 2 - 1));
    const spread = 0.006 * unit(`${symbol}:s${day}`);
    timestamp.push(session.open / 1000);
    quote.open.push(round(openPrice));
    quote.close.push(round(close));
    quote.high.push(round(Math.max(openPrice, close) * (1 + spread)));
    quote.low.push(round(Math.min(openPrice, close) * (1 - spread)));
    quote.volume.push(Math.round(1e6 + unit(`${symbol}:v${day}`) * 4e7));
  }
  const lastTs = timestamp.at(-1) ?? period2;
  const empty = timestamp.length === 0;
  return {
    chart: {
      result: [
        {
          meta: {
            source: 'synthetic',
            currency: venue.currency,
            symbol,
            exchangeName: venue.exchange,
            instrumentType: 'EQUITY',
            regularMarketTime: lastTs,
            ...zoneAt(zone, lastTs * 1000),
            exchangeTimezoneName: zone,
            regularMarketPrice: quote.close.at(-1) ?? round(level),
            chartPreviousClose: quote.close[0] ?? round(level),
            priceHint: 2,
            dataGranularity: '1d',
            range: '',
          },
          ...(empty ? {} : { timestamp }),
          indicators: empty
            ? { quote: [{}], adjclose: [{}] }
            : { quote: [quote], adjclose: [{ adjclose: [...quote.close] }] },
        },
      ],
      error: null,
    },
  };
}
