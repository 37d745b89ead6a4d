/** A job's runs in words: what the stats count, what a failed run's error adds. Pure. */
import { plural } from '~/components/ui/format';
import type { Run } from '~/trpc/shapes';

/** "3 of 4 runs completed, 1 partial": the success rate's numerator and what it is out of. */
export function describeRunCounts(counts: {
  finished: number;
  completed: number;
  partial: number;
  failed: number;
}): string {
  const { finished, completed, partial, failed } = counts;
  if (finished === 0) return 'no run finished yet';
  const rest = [partial ? `${partial} partial` : '', failed ? `${failed} failed` : ''];
  return [`${completed} of ${plural(finished, 'run')} completed`, ...rest.filter(Boolean)].join(
    ', ',
  );
}

/**
 * The run's own error line, or null when the symbols table below already says it all: a run
 * whose every symbol failed carries their errors again in `error`, and showing both repeats
 * each message.
 */
export function runErrorLine(run: Pick<Run, 'error' | 'symbols'>): string | null {
  if (!run.error) return null;
  const failed = run.symbols.filter((s) => s.status === 'error').length;
  if (failed > 0 && failed === run.symbols.length) {
    return failed === 1
      ? 'Its one symbol failed; see below.'
      : `All ${failed} symbols failed; see below.`;
  }
  return run.error;
}

/** "when a run completed" for an `after` schedule's `when`. */
export function whenWords(when: 'success' | 'not_failed' | 'always'): string {
  return {
    success: 'when a run completed',
    not_failed: 'when a run completed or was partial',
    always: 'whenever a run finished',
  }[when];
}

/** "after each" / "once all have run" for an `after` schedule's `wait`, with n upstream jobs. */
export function waitWords(wait: 'any' | 'all', n: number): string {
  if (n <= 1) return 'one run per upstream run';
  return wait === 'all' ? `once all ${n} have run` : 'after each of them';
}
