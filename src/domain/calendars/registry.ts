/** Every calendar by code, and the symbol-suffix lookup. */
import { CRYPTO, FOREX } from './around-the-clock';
import { XBOM, XNSE } from './bombay';
import { XHKG } from './hong-kong';
import { XLON } from './london';
import type { CalendarSpec } from './spec';
import { XASX } from './sydney';
import { XTKS } from './tokyo';
import { XTSE } from './toronto';
import { XNAS, XNYS } from './united-states';
import { XETR } from './xetra';

export const SPECS: readonly CalendarSpec[] = [
  XNYS,
  XNAS,
  XLON,
  XETR,
  XTSE,
  XASX,
  XTKS,
  XHKG,
  XBOM,
  XNSE,
  CRYPTO,
  FOREX,
];

const BY_CODE = new Map(SPECS.map((spec) => [spec.code, spec]));
// "24/7" in a URL path is awkward: "24-7" and "24x7" name the same calendars.
const ALIASES: Readonly<Record<string, string>> = {
  '24-7': '24/7',
  '24X7': '24/7',
  '24-5': '24/5',
  '24X5': '24/5',
};

export function specOf(code: string): CalendarSpec | undefined {
  const upper = code.trim().toUpperCase();
  return BY_CODE.get(ALIASES[upper] ?? upper);
}

/** Suffixes longest first, so ".TO" is not read as a one-letter suffix. */
const SUFFIXES = SPECS.flatMap((spec) =>
  spec.suffixes.filter((s) => s !== '').map((suffix) => ({ suffix, code: spec.code })),
).sort((a, b) => b.suffix.length - a.suffix.length);

export function codeForSymbol(symbol: string): string {
  const upper = symbol.trim().toUpperCase();
  for (const { suffix, code } of SUFFIXES) {
    if (upper.endsWith(suffix) && upper.length > suffix.length) return code;
  }
  return 'XNYS';
}
