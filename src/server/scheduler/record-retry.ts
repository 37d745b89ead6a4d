/**
 * Writes a run's record that must land (its final state) until Redis takes it: Redis full (maxmemory) or away must not leave a run
 * `running` for ever. Tried again with a capped backoff; the failure is logged once and its
 * end once. Only shutdown stops the attempts: then the run is left to the recovery step of
 * another instance (run-recovery.ts), which finishes it once this one's heartbeat is gone.
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from '../logger';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;
/** Listeners on the shutdown signal at most: one per write waiting (a worker slot each). */
const MAX_PENDING = 1000;

export class RecordRetrier {
  private readonly shutdown = new AbortController();

  constructor(private readonly logger: Logger) {
    // Every write waiting listens for the shutdown: as many as may wait, not a leak.
    setMaxListeners(MAX_PENDING + 100, this.shutdown.signal);
  }

  /**
   * Resolves with `write`'s result once it succeeded, or undefined when shutdown came first.
   * `what` and `context` name the write in the log.
   */
  async untilWritten<T>(
    what: string,
    context: Record<string, unknown>,
    write: () => Promise<T>,
  ): Promise<T | undefined> {
    let failures = 0;
    for (let delay = FIRST_RETRY_MS; ; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
      try {
        const result = await write();
        if (failures > 0)
          this.logger.info(`Recorded ${what} after retrying`, { ...context, failures });
        return result;
      } catch (error) {
        if (++failures === 1) {
          this.logger.warn(`Could not record ${what}; retrying until Redis takes it`, {
            ...context,
            error: (error as Error).message,
          });
        }
      }
      if (this.shutdown.signal.aborted) break;
      await this.pause(delay);
      if (this.shutdown.signal.aborted) break;
    }
    this.logger.error(
      `Gave up recording ${what} at shutdown; another instance's recovery finishes the run`,
      context,
    );
    return undefined;
  }

  /** Waits `ms`, or less when shutdown comes; does not keep the process alive. */
  private pause(ms: number): Promise<void> {
    const { signal } = this.shutdown;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Ends every wait: the writes not done yet are given up (and logged). */
  stop(): void {
    this.shutdown.abort();
  }
}
