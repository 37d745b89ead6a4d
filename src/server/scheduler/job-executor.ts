/**
 * One run: fetch each symbol of a job over a date range, store each record, report each
 * symbol's outcome (the seed's job_executor).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Config } from '../../config';
import { keys } from '../keys';
import type { Logger } from '../logger';
import {
  failureMessage,
  ProviderError,
  type DailyHistory,
  type MarketDataProvider,
} from '../market-data/provider';
import { abortable, RateLimiter } from '../market-data/rate-limiter';
import { StockDataStore, toRecord } from '../market-data/stock-data-store';
import type { SymbolOutcome } from '~/domain/job-definition';

export { createProvider } from '../market-data/yahoo';

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

export type ExecutorConfig = Pick<
  Config,
  'PROVIDER_MAX_RPS' | 'PROVIDER_CONCURRENCY' | 'PROVIDER_MAX_ATTEMPTS' | 'PROVIDER_BACKOFF_MS'
>;

export interface JobExecutorOptions {
  redis: Redis;
  provider: MarketDataProvider;
  config: ExecutorConfig;
  logger?: Logger;
  /** Where records go; by default a StockDataStore on `redis`. */
  store?: StockDataStore;
}

/** What this executor did, for benchmarks and tests. */
export interface ExecutorStats {
  /** Requests sent to the provider, retries included. */
  providerRequests: number;
  /** Symbol fetches served by a fetch already in flight in this process. */
  sharedInProcess: number;
  /** Symbol fetches served by a fetch another process (or executor) made. */
  sharedAcrossProcesses: number;
}

/** Longest backoff between two attempts, whatever the attempt number. */
const MAX_BACKOFF_MS = 30_000;
/** A Retry-After longer than this ends the symbol's attempts instead of stalling the run. */
const MAX_RETRY_AFTER_MS = 60_000;
/** The fetch lock lives this long unless renewed; a dead holder frees it within this. */
const LOCK_TTL_MS = 10_000;
const LOCK_RENEW_MS = 3_000;
/** How long waiters can still read a finished fetch's outcome. */
const RESULT_TTL_MS = 60_000;
const POLL_MIN_MS = 20;
const POLL_MAX_MS = 200;

/**
 * The cross-process fetch lock. acquire answers {1, token} when taken, else {0, holder's token};
 * finish publishes the outcome and frees the lock in one step, so a waiter that sees the lock
 * gone always finds the holder's outcome (or learns the holder died without one).
 */
const LOCK_SCRIPTS = {
  fetchLockAcquire: `
local cur = redis.call('GET', KEYS[1])
if cur then return {0, cur} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, ARGV[1]}`,
  fetchLockRenew: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`,
  fetchLockRelease: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
  fetchLockFinish: `
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`,
};

type LockRedis = Redis & {
  fetchLockAcquire(lock: string, token: string, ttl: string): Promise<[number, string]>;
  fetchLockRenew(lock: string, token: string, ttl: string): Promise<number>;
  fetchLockRelease(lock: string, token: string): Promise<number>;
  fetchLockFinish(
    lock: string,
    result: string,
    token: string,
    json: string,
    ttl: string,
  ): Promise<number>;
};

const scriptsDefined = new WeakSet<Redis>();

function defineLockScripts(redis: Redis): LockRedis {
  if (!scriptsDefined.has(redis)) {
    redis.defineCommand('fetchLockAcquire', {
      numberOfKeys: 1,
      lua: LOCK_SCRIPTS.fetchLockAcquire,
    });
    redis.defineCommand('fetchLockRenew', { numberOfKeys: 1, lua: LOCK_SCRIPTS.fetchLockRenew });
    redis.defineCommand('fetchLockRelease', {
      numberOfKeys: 1,
      lua: LOCK_SCRIPTS.fetchLockRelease,
    });
    redis.defineCommand('fetchLockFinish', { numberOfKeys: 2, lua: LOCK_SCRIPTS.fetchLockFinish });
    scriptsDefined.add(redis);
  }
  return redis as LockRedis;
}

/** Resolves as `promise` does, or rejects as soon as `signal` aborts (the promise runs on). */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

interface SharedFetch {
  promise: Promise<SymbolOutcome>;
  controller: AbortController;
  subscribers: number;
}

/**
 * Fetches a run's symbols concurrently, within PROVIDER_CONCURRENCY requests in flight per
 * executor (one per process in the service) and PROVIDER_MAX_RPS shared by every process,
 * retrying what a second try can fix. One symbol failing never fails the others.
 *
 * Runs that ask for the same (symbol, start, end) at the same time share one fetch:
 * - in this process, through a map of in-flight promises;
 * - across processes, through a Redis lock per (symbol, start, end): the first process fetches
 *   and stores, then publishes the outcome under its lock token as it frees the lock; the others
 *   wait for the lock to go and take that outcome. The lock has a short TTL renewed while the
 *   fetch runs, so a holder that dies frees it within seconds and a waiter fetches itself.
 * A shared record carries the job_id and run_id of the run that fetched it.
 */
export class JobExecutor {
  readonly stats: ExecutorStats = {
    providerRequests: 0,
    sharedInProcess: 0,
    sharedAcrossProcesses: 0,
  };
  private readonly redis: LockRedis;
  private readonly provider: MarketDataProvider;
  private readonly config: ExecutorConfig;
  private readonly logger: Logger | undefined;
  private readonly store: StockDataStore;
  private readonly limiter: RateLimiter;
  private readonly inFlight = new Map<string, SharedFetch>();
  /** Fetch locks this executor holds: lock key -> token, renewed together by one timer. */
  private readonly held = new Map<string, string>();
  private renewTimer: NodeJS.Timeout | null = null;

  constructor(opts: JobExecutorOptions) {
    const { PROVIDER_MAX_ATTEMPTS: attempts, PROVIDER_BACKOFF_MS: backoff } = opts.config;
    if (!Number.isInteger(attempts) || attempts < 1) {
      throw new Error(`PROVIDER_MAX_ATTEMPTS must be a whole number >= 1, got ${attempts}`);
    }
    if (!(backoff >= 0)) throw new Error(`PROVIDER_BACKOFF_MS must be >= 0, got ${backoff}`);
    this.redis = defineLockScripts(opts.redis);
    this.provider = opts.provider;
    this.config = opts.config;
    this.logger = opts.logger;
    this.store = opts.store ?? new StockDataStore(opts.redis);
    this.limiter = new RateLimiter({
      redis: opts.redis,
      provider: opts.provider.name,
      maxRps: opts.config.PROVIDER_MAX_RPS,
      concurrency: opts.config.PROVIDER_CONCURRENCY,
    });
  }

  /**
   * Fetches and stores every symbol of `req`. Resolves (never rejects for a provider's fault)
   * with one outcome per symbol in the order asked: completed when all are ok, partial when
   * some are, failed when none is. `onProgress` is called as each symbol finishes. When
   * `signal` aborts, it resolves promptly as failed; fetches other runs share go on.
   */
  async execute(
    req: RunRequest,
    opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
  ): Promise<ExecutionResult> {
    const { signal, onProgress } = opts;
    const total = req.symbols.length;
    let done = 0;
    const symbols = await Promise.all(
      req.symbols.map(async (raw): Promise<SymbolOutcome> => {
        const symbol = raw.trim().toUpperCase();
        let outcome: SymbolOutcome;
        try {
          outcome = await this.symbolOutcome(symbol, req, signal);
        } catch (error) {
          outcome = signal?.aborted
            ? {
                symbol,
                status: 'error',
                error: 'cancelled: the run was stopped before this symbol finished',
              }
            : { symbol, status: 'error', error: `internal error: ${messageOf(error)}` };
          if (!signal?.aborted) {
            this.logger?.error('Symbol fetch failed unexpectedly', {
              symbol,
              run_id: req.run_id,
              error,
            });
          }
        }
        done++;
        try {
          onProgress?.(done, total);
        } catch (error) {
          this.logger?.warn('Progress callback threw', { run_id: req.run_id, error });
        }
        return outcome;
      }),
    );

    const failed = symbols.filter((s) => s.status === 'error');
    if (signal?.aborted) {
      return {
        status: 'failed',
        symbols,
        error: 'cancelled: the run was stopped before it finished',
      };
    }
    if (failed.length === 0) return { status: 'completed', symbols, error: null };
    if (failed.length < total) return { status: 'partial', symbols, error: null };
    const shown = failed.slice(0, 3).map((s) => `${s.symbol}: ${s.error}`);
    const more = failed.length > 3 ? `; and ${failed.length - 3} more` : '';
    return {
      status: 'failed',
      symbols,
      error: `all ${total} symbol${total === 1 ? '' : 's'} failed: ${shown.join('; ')}${more}`,
    };
  }

  /**
   * Joins the fetch of (symbol, start, end) in flight in this process, or starts one. The shared
   * fetch has its own AbortController, aborted only when every run waiting on it has aborted:
   * one run being stopped never cancels data another run is waiting for.
   */
  private async symbolOutcome(
    symbol: string,
    req: RunRequest,
    signal?: AbortSignal,
  ): Promise<SymbolOutcome> {
    const key = `${symbol}\n${req.start}\n${req.end}`;
    let shared = this.inFlight.get(key);
    if (shared) {
      this.stats.sharedInProcess++;
    } else {
      const controller = new AbortController();
      const entry: SharedFetch = {
        controller,
        subscribers: 0,
        promise: this.fetchOnce(symbol, req, controller.signal).finally(() => {
          if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
        }),
      };
      // Nobody may be left awaiting it once every subscriber aborted: not an unhandled rejection.
      entry.promise.catch(() => undefined);
      this.inFlight.set(key, entry);
      shared = entry;
    }
    const entry = shared;
    entry.subscribers++;
    try {
      return await untilAborted(entry.promise, signal);
    } catch (error) {
      if (signal?.aborted && entry.subscribers === 1) {
        // Forget it at once, so a run arriving now starts afresh instead of joining the abort.
        if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
        entry.controller.abort(signal.reason);
      }
      throw error;
    } finally {
      entry.subscribers--;
    }
  }

  /** The cross-process half of sharing: see the class comment. */
  private async fetchOnce(
    symbol: string,
    req: RunRequest,
    signal: AbortSignal,
  ): Promise<SymbolOutcome> {
    const lockKey = keys.fetchLock(symbol, req.start, req.end);
    const resultKey = keys.fetchResult(symbol, req.start, req.end);
    const token = randomUUID();
    for (;;) {
      signal.throwIfAborted();
      const [taken, holder] = await this.redis.fetchLockAcquire(
        lockKey,
        token,
        String(LOCK_TTL_MS),
      );
      if (taken === 1) {
        this.holdLock(lockKey, token);
        let outcome: SymbolOutcome;
        try {
          outcome = await this.fetchAndStore(symbol, req, signal);
        } catch (error) {
          this.held.delete(lockKey);
          await this.redis.fetchLockRelease(lockKey, token).catch(() => undefined);
          throw error;
        }
        this.held.delete(lockKey);
        await this.redis.fetchLockFinish(
          lockKey,
          resultKey,
          token,
          JSON.stringify({ token, outcome }),
          String(RESULT_TTL_MS),
        );
        return outcome;
      }

      // Another process fetches it: wait until its lock goes, then take its outcome.
      let poll = POLL_MIN_MS;
      while ((await this.redis.get(lockKey)) === holder) {
        await abortable(poll, signal);
        poll = Math.min(POLL_MAX_MS, poll * 2);
      }
      const raw = await this.redis.get(resultKey);
      const published =
        raw === null ? null : (JSON.parse(raw) as { token: string; outcome: SymbolOutcome });
      if (published?.token === holder) {
        this.stats.sharedAcrossProcesses++;
        return { ...published.outcome, symbol };
      }
      // The holder stopped without an outcome (it died or its runs were cancelled): try again.
    }
  }

  private holdLock(lockKey: string, token: string): void {
    this.held.set(lockKey, token);
    if (this.renewTimer) return;
    this.renewTimer = setInterval(() => {
      if (this.held.size === 0) {
        clearInterval(this.renewTimer!);
        this.renewTimer = null;
        return;
      }
      const pipeline = this.redis.pipeline();
      for (const [lock, t] of this.held) {
        (pipeline as unknown as LockRedis).fetchLockRenew(lock, t, String(LOCK_TTL_MS));
      }
      pipeline.exec().catch(() => undefined);
    }, LOCK_RENEW_MS);
    this.renewTimer.unref();
  }

  private async fetchAndStore(
    symbol: string,
    req: RunRequest,
    signal: AbortSignal,
  ): Promise<SymbolOutcome> {
    const result = await this.fetchWithRetries(symbol, req.start, req.end, signal);
    if ('error' in result) return { symbol, status: 'error', error: result.error };
    const record = toRecord(
      { ...result.history, symbol },
      {
        start: req.start,
        end: req.end,
        source: result.history.source ?? this.provider.name,
        job_id: req.job_id,
        run_id: req.run_id,
      },
    );
    try {
      const key = await this.store.save(record);
      return { symbol, status: 'ok', bars: record.bars.length, key };
    } catch (error) {
      return { symbol, status: 'error', error: `could not store the data: ${messageOf(error)}` };
    }
  }

  /**
   * Attempts until one succeeds, the error is final, or PROVIDER_MAX_ATTEMPTS are used. Between
   * attempts: exponential backoff with full jitter (a random wait up to BACKOFF x 2^(n-1), so
   * symbols that failed together do not retry together), never shorter than the provider's
   * Retry-After. A 429's Retry-After also pauses the shared limiter, so every process holds
   * off, not only this symbol. The concurrency slot is held only while a request is out, never
   * while backing off.
   */
  private async fetchWithRetries(
    symbol: string,
    start: string,
    end: string,
    signal: AbortSignal,
  ): Promise<{ history: DailyHistory } | { error: string }> {
    const maxAttempts = this.config.PROVIDER_MAX_ATTEMPTS;
    const base = this.config.PROVIDER_BACKOFF_MS;
    for (let attempt = 1; ; attempt++) {
      let failure: ProviderError;
      const release = await this.limiter.acquire(signal);
      try {
        this.stats.providerRequests++;
        return { history: await this.provider.dailyHistory(symbol, start, end, signal) };
      } catch (error) {
        if (signal.aborted) throw error;
        failure =
          error instanceof ProviderError
            ? error
            : new ProviderError('malformed', `provider failed: ${messageOf(error)}`);
      } finally {
        release();
      }

      const retryAfter = failure.retryAfterMs;
      if (!failure.retryable || attempt >= maxAttempts) {
        return { error: failureMessage(failure, attempt) };
      }
      if (retryAfter !== undefined && retryAfter > MAX_RETRY_AFTER_MS) {
        const seconds = Math.round(retryAfter / 1000);
        return {
          error: `${failureMessage(failure, attempt)} (the provider asked to wait ${seconds} s)`,
        };
      }
      if (failure.kind === 'rate_limited' && retryAfter !== undefined) {
        await this.limiter.pause(retryAfter);
      }
      const backoff = Math.random() * Math.min(MAX_BACKOFF_MS, base * 2 ** (attempt - 1));
      const wait = Math.max(backoff, retryAfter ?? 0);
      this.logger?.debug('Retrying symbol', {
        symbol,
        attempt,
        wait_ms: Math.round(wait),
        error: failure.message,
      });
      await abortable(wait, signal);
    }
  }
}
