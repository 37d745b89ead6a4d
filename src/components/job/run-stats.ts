import { runDuration } from '~/components/ui/format';
import type { Run } from '~/trpc/shapes';

const FINISHED = new Set(['completed', 'partial', 'failed']);

/** Success rate and durations over the finished runs of a list. Pure. */
export function runStats(runs: readonly Run[]) {
  const finished = runs.filter((r) => FINISHED.has(r.status));
  const completed = finished.filter((r) => r.status === 'completed').length;
  const partial = finished.filter((r) => r.status === 'partial').length;
  const durations = finished
    .map(runDuration)
    .filter((d): d is number => d !== null && d >= 0)
    .sort((a, b) => a - b);
  const median = durations.length ? durations[Math.floor((durations.length - 1) / 2)]! : null;
  const mean = durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : null;
  return {
    finished: finished.length,
    completed,
    partial,
    failed: finished.length - completed - partial,
    successRate: finished.length ? completed / finished.length : null,
    median,
    mean,
    longest: durations.at(-1) ?? null,
  };
}
