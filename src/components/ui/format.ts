/** Small text formatters shared by the dashboard's components. Pure, no React. */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "AAPL, MSFT, GOOG +12": the first `shown` symbols and how many more. */
export function shortenSymbols(symbols: readonly string[], shown = 3): string {
  if (symbols.length <= shown + 1) return symbols.join(', ');
  return `${symbols.slice(0, shown).join(', ')} +${symbols.length - shown}`;
}

/**
 * "in 3 h", "in 12 min", "10 s ago", "2 d ago", "just now". With `past`, the time of something
 * that has happened never reads as future: a server clock a little ahead of the browser's, or
 * a page clock read a moment before the event arrived, makes it "just now".
 */
export function relativeTime(target: Date | string | number, now: number, past = false): string {
  const at = new Date(target).getTime();
  const diff = past ? Math.min(0, at - now) : at - now;
  const abs = Math.abs(diff);
  let amount: string;
  if (abs < 10 * SECOND) return diff > 0 ? 'in a moment' : 'just now';
  if (abs < MINUTE) amount = `${Math.floor(abs / SECOND)} s`;
  else if (abs < HOUR) amount = `${Math.round(abs / MINUTE)} min`;
  else if (abs < DAY) amount = `${Math.round(abs / HOUR)} h`;
  else amount = `${Math.round(abs / DAY)} d`;
  return diff > 0 ? `in ${amount}` : `${amount} ago`;
}

/** "1 bar", "2 bars", "1,000 bars": a count and its noun, singular for exactly one. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

const exactFormats = new Map<string, Intl.DateTimeFormat>();

/** "Tue, 18 Nov 2025, 17:00:00 EST" in `timeZone` (the browser's zone when omitted). */
export function formatExact(value: Date | string | number, timeZone?: string): string {
  const key = timeZone ?? '';
  let format = exactFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, {
      weekday: 'short',
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
      ...(timeZone ? { timeZone } : {}),
    });
    exactFormats.set(key, format);
  }
  return format.format(new Date(value));
}

const shortFormats = new Map<string, Intl.DateTimeFormat>();

/** "Tue 18 Nov, 17:00" in `timeZone` (the browser's zone when omitted). */
export function formatShort(value: Date | string | number, timeZone?: string): string {
  const key = timeZone ?? '';
  let format = shortFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(undefined, {
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      ...(timeZone ? { timeZone } : {}),
    });
    shortFormats.set(key, format);
  }
  return format.format(new Date(value));
}

/** "850 ms", "12.3 s", "2 min 5 s", "1 h 4 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < SECOND) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${(ms / SECOND).toFixed(ms < 10 * SECOND ? 1 : 0)} s`;
  if (ms < HOUR) {
    const s = Math.round((ms % MINUTE) / SECOND);
    return `${Math.floor(ms / MINUTE)} min${s ? ` ${s} s` : ''}`;
  }
  const m = Math.round((ms % HOUR) / MINUTE);
  return `${Math.floor(ms / HOUR)} h${m ? ` ${m} min` : ''}`;
}

/** The duration of a run that has finished, in ms, or null. */
export function runDuration(run: {
  started_at: string;
  finished_at: string | null;
}): number | null {
  if (!run.finished_at) return null;
  return Date.parse(run.finished_at) - Date.parse(run.started_at);
}

/** "1,000" */
export function formatCount(n: number): string {
  return n.toLocaleString();
}

/** Splits a pasted list ("AAPL, msft GOOGL;tsla") into upper-cased, de-duplicated symbols. */
export function splitSymbols(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((s) => s.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
}

/**
 * A provider or run error as a short headline and the rest: "unknown symbol (provider said:
 * ...)" becomes "Unknown symbol" and "provider said: ...", so neither repeats the other.
 */
export function plainError(error: string): { summary: string; detail: string | null } {
  const cut = error.search(/ \(|: /);
  const head = cut > 0 ? error.slice(0, cut) : error;
  const summary = head.charAt(0).toUpperCase() + head.slice(1);
  if (cut <= 0) return { summary, detail: null };
  const rest = error.slice(cut).replace(/^: /, '').trim();
  const detail = rest.startsWith('(') && rest.endsWith(')') ? rest.slice(1, -1) : rest;
  return { summary, detail: detail || null };
}

/** The browser's own IANA zone. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
