/**
 * The stored form of a symbol's series: one Redis string per symbol and year holding its bars
 * as fixed-width binary records, sorted by date, so a merge in Lua can walk two sorted lists
 * by their first bytes without decoding a price, and a reader fetches only the years asked.
 *
 * One record, 54 bytes (big-endian):
 *   day of year (u16, 0 = 1 January), so bytewise order is date order
 *   fetched_at (u32, unix seconds): the merge keeps the newer fetch of a date
 *   open, high, low, close, adj_close, volume (f64 each; NaN stands for null)
 * Prices are already rounded to 7 significant digits by the client; f64 keeps them exactly.
 */
import type { DailyBar } from './provider';

export const RECORD_BYTES = 54;
const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` → [year, day of year]. */
function yearAndDay(date: string): [number, number] {
  const year = Number(date.slice(0, 4));
  const day = (Date.parse(`${date}T00:00:00Z`) - Date.UTC(year, 0, 1)) / DAY_MS;
  return [year, day];
}

function dateOf(year: number, day: number): string {
  return new Date(Date.UTC(year, 0, 1) + day * DAY_MS).toISOString().slice(0, 10);
}

const num = (v: number | null) => (v === null ? Number.NaN : v);
const nul = (v: number) => (Number.isNaN(v) ? null : v);

/** A stored bar: the provider's bar plus when it was fetched. */
export interface StoredBar extends DailyBar {
  /** Unix seconds of the fetch this value came from. */
  fetched_s: number;
}

/**
 * Packs sorted bars into one buffer per year (ascending years), each bar stamped `fetchedS`.
 * Bars must be sorted by date with one per date, as a DailyHistory's are.
 */
export function packByYear(bars: DailyBar[], fetchedS: number): Map<number, Buffer> {
  const byYear = new Map<number, DailyBar[]>();
  for (const bar of bars) {
    const year = Number(bar.date.slice(0, 4));
    const list = byYear.get(year);
    if (list) list.push(bar);
    else byYear.set(year, [bar]);
  }
  const out = new Map<number, Buffer>();
  for (const [year, list] of [...byYear].sort((a, b) => a[0] - b[0])) {
    const buf = Buffer.alloc(list.length * RECORD_BYTES);
    list.forEach((bar, i) => {
      const at = i * RECORD_BYTES;
      buf.writeUInt16BE(yearAndDay(bar.date)[1], at);
      buf.writeUInt32BE(fetchedS, at + 2);
      buf.writeDoubleBE(num(bar.open), at + 6);
      buf.writeDoubleBE(num(bar.high), at + 14);
      buf.writeDoubleBE(num(bar.low), at + 22);
      buf.writeDoubleBE(num(bar.close), at + 30);
      buf.writeDoubleBE(num(bar.adj_close), at + 38);
      buf.writeDoubleBE(num(bar.volume), at + 46);
    });
    out.set(year, buf);
  }
  return out;
}

/** The bars of one year's string within [start, end] (dates, inclusive). */
export function unpackYear(year: number, buf: Buffer, start = '', end = '~'): StoredBar[] {
  const bars: StoredBar[] = [];
  for (let at = 0; at + RECORD_BYTES <= buf.length; at += RECORD_BYTES) {
    const date = dateOf(year, buf.readUInt16BE(at));
    if (date < start || date > end) continue;
    bars.push({
      date,
      fetched_s: buf.readUInt32BE(at + 2),
      open: nul(buf.readDoubleBE(at + 6)),
      high: nul(buf.readDoubleBE(at + 14)),
      low: nul(buf.readDoubleBE(at + 22)),
      close: nul(buf.readDoubleBE(at + 30)),
      adj_close: nul(buf.readDoubleBE(at + 38)),
      volume: nul(buf.readDoubleBE(at + 46)),
    });
  }
  return bars;
}

/** The day-of-year code of `date`, as the merge script compares it (2 bytes, big-endian). */
export function dayCode(date: string): Buffer {
  const buf = Buffer.alloc(2);
  buf.writeUInt16BE(yearAndDay(date)[1]);
  return buf;
}
