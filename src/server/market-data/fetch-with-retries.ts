/**
 * One symbol's daily history from the provider, asked again while a second try can fix it.
 */
import type { Logger } from '../logger';
import {
  failureMessage,
  ProviderError,
  type DailyHistory,
  type MarketDataProvider,
} from './provider';
import { abortable, type RateLimiter } from './rate-limiter';
import { processMetrics } from '../metrics/process-metrics';

/** Longest backoff between two attempts, whatever the attempt number. */
const MAX_BACKOFF_MS = 30_000;
/** A Retry-After longer than this ends the symbol's attempts instead of stalling the run. */
const MAX_RETRY_AFTER_MS = 60_000;

export interface RetryDeps {
  provider: MarketDataProvider;
  limiter: RateLimiter;
  /** PROVIDER_MAX_ATTEMPTS and PROVIDER_BACKOFF_MS. */
  maxAttempts: number;
  backoffMs: number;
  logger?: Logger | undefined;
  /** Called as each request goes out, retries included. */
  onRequest?: () => void;
}

export const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

/**
 * Attempts until one succeeds, the error is final, or `maxAttempts` are used. Between attempts:
 * exponential backoff with full jitter (a random wait up to BACKOFF x 2^(n-1), so symbols that
 * failed together do not retry together), never shorter than the provider's Retry-After. A
 * 429's Retry-After also pauses the shared limiter, so every process holds off, not only this
 * symbol. The concurrency slot is held only while a request is out, never while backing off.
 * Resolves with the history or the failure in plain words; rejects only when `signal` aborts.
 */
export async function fetchWithRetries(
  deps: RetryDeps,
  symbol: string,
  start: string,
  end: string,
  signal: AbortSignal,
): Promise<{ history: DailyHistory } | { error: string }> {
  for (let attempt = 1; ; attempt++) {
    let failure: ProviderError;
    const release = await deps.limiter.acquire(signal);
    const requests = processMetrics().providerRequests;
    try {
      deps.onRequest?.();
      const history = await deps.provider.dailyHistory(symbol, start, end, signal);
      requests.inc({ outcome: 'ok' });
      return { history };
    } catch (error) {
      if (signal.aborted) {
        requests.inc({ outcome: 'aborted' });
        throw error;
      }
      failure =
        error instanceof ProviderError
          ? error
          : new ProviderError('malformed', `provider failed: ${messageOf(error)}`);
      // The failure's kind: a handful of words (rate_limited, unknown_symbol, timeout, ...).
      requests.inc({ outcome: failure.kind });
    } finally {
      release();
    }

    const retryAfter = failure.retryAfterMs;
    if (!failure.retryable || attempt >= deps.maxAttempts) {
      return { error: failureMessage(failure, attempt) };
    }
    if (retryAfter !== undefined && retryAfter > MAX_RETRY_AFTER_MS) {
      const seconds = Math.round(retryAfter / 1000);
      return {
        error: `${failureMessage(failure, attempt)} (the provider asked to wait ${seconds} s)`,
      };
    }
    if (failure.kind === 'rate_limited' && retryAfter !== undefined) {
      await deps.limiter.pause(retryAfter);
    }
    const backoff = Math.random() * Math.min(MAX_BACKOFF_MS, deps.backoffMs * 2 ** (attempt - 1));
    const wait = Math.max(backoff, retryAfter ?? 0);
    deps.logger?.debug('Retrying symbol', {
      symbol,
      attempt,
      wait_ms: Math.round(wait),
      error: failure.message,
    });
    await abortable(wait, signal);
  }
}
