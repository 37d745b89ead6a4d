import type { Redis } from 'ioredis';
import type { Config } from '../../config';
import type { Logger } from '../logger';
import { ProviderError, type DailyHistory, type MarketDataProvider } from '../market-data/provider';
import { RateLimiter } from '../market-data/rate-limiter';
import { StockDataStore } from '../market-data/stock-data-store';
import type { SymbolOutcome } from './job-definition';

export interface RunRequest {
  run_id: string;
  job_id: string;
  symbols: string[];
  start: string;
  end: string;
}

export interface ExecutionResult {
  status: 'completed' | 'partial' | 'failed';
  symbols: SymbolOutcome[];
  error: string | null;
}

type ExecutorConfig = Pick<
  Config,
  'PROVIDER_MAX_RPS' | 'PROVIDER_CONCURRENCY' | 'PROVIDER_MAX_ATTEMPTS' | 'PROVIDER_BACKOFF_MS'
>;

const MAX_BACKOFF_MS = 30_000;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

/**
 * One run: fetches every symbol concurrently (at most PROVIDER_CONCURRENCY in flight, under a
 * per-second limit shared by every process), retries what may pass on a second try, stores
 * each record, and reports each symbol's outcome. One symbol failing never fails the others.
 */
export class JobExecutor {
  private readonly limiter: RateLimiter;
  private readonly store: StockDataStore;
  /** Requests in flight, by symbol and range: runs that need the same data share one request. */
  private readonly inFlight = new Map<string, Promise<DailyHistory>>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Provider requests made by this process (for benchmarks and tests). */
  requests = 0;

  constructor(
    private readonly opts: {
      redis: Redis;
      provider: MarketDataProvider;
      config: ExecutorConfig;
      logger?: Logger;
      store?: StockDataStore;
    },
  ) {
    this.limiter = new RateLimiter(opts.redis, opts.provider.name, opts.config.PROVIDER_MAX_RPS);
    this.store = opts.store ?? new StockDataStore(opts.redis);
  }

  async execute(
    req: RunRequest,
    opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<ExecutionResult> {
    let done = 0;
    const total = req.symbols.length;
    const outcomes = await Promise.all(
      req.symbols.map(async (symbol): Promise<SymbolOutcome> => {
        let outcome: SymbolOutcome;
        try {
          const history = await this.shared(symbol, req.start, req.end, opts.signal);
          const key = await this.store.save({
            ...history,
            symbol,
            start: req.start,
            end: req.end,
            interval: '1d',
            source: this.opts.provider.name,
            fetched_at: new Date().toISOString(),
            job_id: req.job_id,
            run_id: req.run_id,
          });
          outcome = { symbol, status: 'ok', bars: history.bars.length, key };
        } catch (error) {
          if (opts.signal?.aborted) throw error;
          outcome = { symbol, status: 'error', error: (error as Error).message };
        }
        done++;
        opts.onProgress?.(done, total);
        return outcome;
      }),
    );
    const failed = outcomes.filter((o) => o.status === 'error');
    const status =
      failed.length === 0 ? 'completed' : failed.length === total ? 'failed' : 'partial';
    const error =
      failed.length === 0
        ? null
        : `${failed.length} of ${total} symbols failed: ${failed
            .slice(0, 5)
            .map((f) => `${f.symbol} (${f.error})`)
            .join('; ')}${failed.length > 5 ? '; …' : ''}`;
    return { status, symbols: outcomes, error };
  }

  private shared(
    symbol: string,
    start: string,
    end: string,
    signal?: AbortSignal,
  ): Promise<DailyHistory> {
    const key = `${symbol}|${start}|${end}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.withRetries(symbol, start, end, signal).finally(() =>
        this.inFlight.delete(key),
      );
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async slot(): Promise<() => void> {
    if (this.active >= this.opts.config.PROVIDER_CONCURRENCY) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      this.waiting.shift()?.();
    };
  }

  /**
   * Exponential backoff with full jitter, but never sooner than the provider's Retry-After.
   * Unknown symbols and empty ranges are answers, not faults: they are never retried.
   */
  private async withRetries(
    symbol: string,
    start: string,
    end: string,
    signal?: AbortSignal,
  ): Promise<DailyHistory> {
    const { PROVIDER_MAX_ATTEMPTS: attempts, PROVIDER_BACKOFF_MS: base } = this.opts.config;
    for (let attempt = 1; ; attempt++) {
      const release = await this.slot();
      try {
        await this.limiter.acquire(signal);
        this.requests++;
        return await this.opts.provider.dailyHistory(symbol, start, end, signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        const pe =
          error instanceof ProviderError
            ? error
            : new ProviderError('network', (error as Error).message);
        if (!pe.retryable) throw pe;
        if (attempt >= attempts) throw new ProviderError(pe.kind, finalMessage(pe, attempts));
        const backoff = Math.random() * Math.min(MAX_BACKOFF_MS, base * 2 ** (attempt - 1));
        this.opts.logger?.debug('Retrying symbol', { symbol, attempt, error: pe.message });
        release();
        await sleep(Math.max(backoff, pe.retryAfterMs ?? 0), signal);
        continue;
      } finally {
        release();
      }
    }
  }
}

function finalMessage(error: ProviderError, attempts: number): string {
  switch (error.kind) {
    case 'rate_limited':
      return `rate-limited after ${attempts} attempts`;
    case 'timeout':
      return `provider timeout after ${attempts} attempts`;
    case 'server_error':
      return `${error.message} after ${attempts} attempts`;
    default:
      return `${error.message} after ${attempts} attempts`;
  }
}
