/**
 * A long request (the live-update stream) outliving its credentials: the session or token it
 * was admitted with is asked again when it is due to expire and at least every minute (a
 * sign-out, a revoked token or a deleted user is noticed within that), and the request's
 * signal is aborted once they have ended.
 */
import type { CredentialsLeft } from '../door/gate';
import type { Logger } from '../logger';

/** The longest a stream goes without asking whether its credentials still hold. */
export const RECHECK_MAX_MS = 60_000;
/** Asked this long after the expected expiry, so a TTL just run out has gone. */
const AFTER_EXPIRY_MS = 50;

export interface CredentialsWatch {
  /** Aborted when the outer signal is, or when the credentials have ended. */
  signal: AbortSignal;
  /** True once the credentials were found ended. */
  readonly ended: boolean;
  stop(): void;
}

export function watchCredentials(
  left: CredentialsLeft | null,
  outer: AbortSignal | undefined,
  logger?: Logger,
): CredentialsWatch {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  outer?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | null = null;
  const watch = {
    signal: controller.signal,
    ended: false,
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      outer?.removeEventListener('abort', onAbort);
    },
  };
  const schedule = (inMs: number) => {
    if (controller.signal.aborted) return;
    timer = setTimeout(check, Math.min(RECHECK_MAX_MS, Math.max(0, inMs) + AFTER_EXPIRY_MS));
    timer.unref();
  };
  const check = async () => {
    try {
      const ms = await left!();
      if (ms === null || ms <= 0) {
        watch.ended = true;
        controller.abort();
        return;
      }
      schedule(ms);
    } catch (error) {
      // Redis away: the stream stays (it cannot deliver anything meanwhile); asked again later.
      logger?.debug('Could not check a stream’s credentials', { error });
      schedule(RECHECK_MAX_MS);
    }
  };
  if (outer?.aborted) controller.abort();
  if (left) schedule(0);
  return watch;
}
