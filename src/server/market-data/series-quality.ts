/**
 * What is wrong with a series, said and never repaired (CONTRACT.md section 8): sessions of
 * its calendar with no bar after its first bar (gaps), and bars that cannot be right
 * (suspicious). Pure functions over bars and session dates.
 */
import type { DailyBar } from './provider';

export const ISSUE_KINDS = [
  'zero_or_negative',
  'high_below_low',
  'close_outside_range',
  'jump_100x',
  'volume_negative',
] as const;
export type IssueKind = (typeof ISSUE_KINDS)[number];

export interface BarIssue {
  date: string;
  kind: IssueKind;
  detail: string;
}

export interface Gap {
  from: string;
  to: string;
  sessions: number;
}

/** A close this many times the previous one, or its inverse, is a units mix-up (pence/pounds). */
const JUMP_RATIO = 50;

/** Suspicious bars, oldest first; `previous` is the bar before the first one, if known. */
export function barIssues(bars: DailyBar[], previous?: DailyBar | null): BarIssue[] {
  const issues: BarIssue[] = [];
  let prev = previous ?? null;
  for (const bar of bars) {
    const add = (kind: IssueKind, detail: string) => issues.push({ date: bar.date, kind, detail });
    const prices = (['open', 'high', 'low', 'close'] as const).filter((f) => {
      const v = bar[f];
      return v !== null && v <= 0;
    });
    if (prices.length > 0) {
      add('zero_or_negative', prices.map((f) => `${f} ${bar[f]}`).join(', '));
    }
    const { high, low, close } = bar;
    if (high !== null && low !== null && high < low) {
      add('high_below_low', `high ${high} is below low ${low}`);
    } else if (close !== null && high !== null && close > high) {
      add('close_outside_range', `close ${close} is above high ${high}`);
    } else if (close !== null && low !== null && close < low) {
      add('close_outside_range', `close ${close} is below low ${low}`);
    }
    if (close !== null && close > 0 && prev?.close != null && prev.close > 0) {
      const ratio = close / prev.close;
      if (ratio >= JUMP_RATIO || ratio <= 1 / JUMP_RATIO) {
        add(
          'jump_100x',
          `close ${close} is ${ratio >= 1 ? ratio.toFixed(1) : (1 / ratio).toFixed(1)} times ${ratio >= 1 ? 'the' : 'below the'} previous close ${prev.close} (${prev.date})`,
        );
      }
    }
    if (bar.volume !== null && bar.volume < 0) add('volume_negative', `volume ${bar.volume}`);
    if (bar.close !== null) prev = bar;
  }
  return issues;
}

/**
 * Runs of `sessions` (dates, sorted) with no bar in `barDates`, from the first bar on: each
 * run is one gap with its first and last missing session.
 */
export function gaps(sessions: string[], barDates: Set<string>, firstBar: string | null): Gap[] {
  const out: Gap[] = [];
  if (firstBar === null) return out;
  let open: Gap | null = null;
  for (const date of sessions) {
    if (date < firstBar) continue;
    if (barDates.has(date)) {
      open = null;
      continue;
    }
    if (open) {
      open.to = date;
      open.sessions++;
    } else {
      open = { from: date, to: date, sessions: 1 };
      out.push(open);
    }
  }
  return out;
}
