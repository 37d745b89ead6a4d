import type { SymbolOutcome } from '~/domain/job-definition';

/** A run's result: its status, one outcome per symbol in the order asked, and why it failed. */
export interface ExecutionResult {
  status: 'completed' | 'partial' | 'failed';
  symbols: SymbolOutcome[];
  error: string | null;
  /** Suspicious bars a fetching run stored that were not known before (series-issues.ts). */
  data_issues_new?: number;
}

/**
 * The status of a run from its symbols' outcomes, the same for every task: completed when all
 * are ok, partial when some are, failed when none is (its error naming the first few) or when
 * the run was stopped before it finished.
 */
export function runOutcome(symbols: SymbolOutcome[], aborted = false): ExecutionResult {
  if (aborted) {
    return {
      status: 'failed',
      symbols,
      error: 'cancelled: the run was stopped before it finished',
    };
  }
  const total = symbols.length;
  const failed = symbols.filter((s) => s.status === 'error');
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
