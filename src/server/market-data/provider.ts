/**
 * What the executor needs from a market-data source: the daily bars of one symbol over a date
 * range, or a typed error saying whether asking again can help. A second provider implements
 * this interface and is passed to the JobExecutor; nothing else changes.
 */

/** One trading day. A field the provider left empty is null; a day of nulls only is no bar. */
export interface DailyBar {
  /** Trading date `YYYY-MM-DD` in the exchange's timezone. */
  date: string;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  /** Close adjusted for splits and dividends (null when the provider gives none). */
  adj_close: number | null;
  volume: number | null;
}

export interface Dividend {
  date: string;
  amount: number;
}

export interface Split {
  date: string;
  numerator: number;
  denominator: number;
}

/** The daily history of one symbol within [start, end], dates in the exchange's timezone. */
export interface DailyHistory {
  symbol: string;
  /**
   * Set when the answer says its bars are made up (the replay server's synthetic mode): the
   * record's `source` then, in place of the provider's name, so they never pass for real data.
   */
  source?: 'synthetic';
  currency: string | null;
  exchange_timezone: string | null;
  /** Sorted by date, one per trading date. */
  bars: DailyBar[];
  dividends: Dividend[];
  splits: Split[];
}

export interface MarketDataProvider {
  /** Short stable name: the record's `source` and the rate limit's key. */
  readonly name: string;
  /**
   * Daily bars of `symbol` from `start` to `end` inclusive (`YYYY-MM-DD`). Rejects with a
   * ProviderError, or with the signal's reason when `signal` aborts.
   */
  dailyHistory(
    symbol: string,
    start: string,
    end: string,
    signal?: AbortSignal,
  ): Promise<DailyHistory>;
}

export type ProviderErrorKind =
  | 'unknown_symbol'
  | 'no_data'
  | 'rate_limited'
  | 'timeout'
  | 'server_error'
  | 'network'
  | 'malformed';

/** Kinds worth another attempt unless the error says otherwise (a 4xx server_error does not). */
const RETRYABLE: Record<ProviderErrorKind, boolean> = {
  unknown_symbol: false,
  no_data: false,
  rate_limited: true,
  timeout: true,
  server_error: true,
  network: true,
  malformed: false,
};

export class ProviderError extends Error {
  override name = 'ProviderError';
  readonly kind: ProviderErrorKind;
  readonly retryable: boolean;
  /** How long the provider asked us to wait (Retry-After), in ms. */
  readonly retryAfterMs: number | undefined;
  /** The HTTP status, when there was one. */
  readonly status: number | undefined;

  constructor(
    kind: ProviderErrorKind,
    message: string,
    options: { retryable?: boolean; retryAfterMs?: number; status?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.retryable = options.retryable ?? RETRYABLE[kind];
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}

const times = (n: number) => `${n} attempt${n === 1 ? '' : 's'}`;

/**
 * The plain-words failure of a symbol after `attempts` tries, as it appears in a run's
 * `symbols[].error`. Errors the provider already phrased for users (unknown symbol, no data,
 * malformed) keep their message; transient ones say how often we tried.
 */
export function failureMessage(error: ProviderError, attempts: number): string {
  switch (error.kind) {
    case 'unknown_symbol':
    case 'no_data':
    case 'malformed':
      return error.message;
    case 'rate_limited':
      return `rate-limited after ${times(attempts)}`;
    case 'timeout':
      return `provider timeout after ${times(attempts)}`;
    case 'server_error':
      return error.status === undefined
        ? `provider error after ${times(attempts)}`
        : `provider error ${error.status} after ${times(attempts)}`;
    case 'network':
      return `provider unreachable after ${times(attempts)}: ${error.message}`;
  }
}
