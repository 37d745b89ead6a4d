/** What a market-data source gives for one symbol and date range: the contract's record body. */
export interface DailyBar {
  date: string;
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
  adj_close: number | null;
  volume: number | null;
}

export interface DailyHistory {
  symbol: string;
  currency: string | null;
  exchange_timezone: string | null;
  bars: DailyBar[];
  dividends: { date: string; amount: number }[];
  splits: { date: string; numerator: number; denominator: number }[];
}

export type ProviderErrorKind =
  | 'unknown_symbol'
  | 'no_data'
  | 'rate_limited'
  | 'timeout'
  | 'server_error'
  | 'network'
  | 'malformed';

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set([
  'rate_limited',
  'timeout',
  'server_error',
  'network',
]);

export class ProviderError extends Error {
  override name = 'ProviderError';
  readonly retryable: boolean;
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly retryAfterMs?: number,
    readonly status?: number,
  ) {
    super(message);
    this.retryable = RETRYABLE.has(kind);
  }
}

/** A source of daily history. A second provider implements this; the executor is untouched. */
export interface MarketDataProvider {
  readonly name: string;
  dailyHistory(
    symbol: string,
    start: string,
    end: string,
    signal?: AbortSignal,
  ): Promise<DailyHistory>;
}
