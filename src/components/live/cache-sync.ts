/**
 * Keeps the react-query cache in step with the change events. Each event is written into the
 * cached queries at once; what it cannot patch (today's counts, stored price data) is
 * invalidated, debounced. A query being fetched while events arrive could come back older than
 * them, so the events seen during a fetch are replayed onto its result.
 */
import type { Query, QueryClient, QueryKey } from '@tanstack/react-query';
import { applyChange, staleAfter, type ChangeEvent } from './live-cache';
import { isLiveQuery, isQueryOf, liveKeys } from './live-queries';
import { trackRun } from './live-runs';

const DEBOUNCE_MS = 700;
const MAX_WAIT_MS = 3000;

export class CacheSync {
  /** Events received while a query (by hash) was fetching. */
  private readonly duringFetch = new Map<string, ChangeEvent[]>();
  private stale = CacheSync.nothingStale();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private firstStaleAt = 0;

  constructor(private readonly client: QueryClient) {}

  private static nothingStale() {
    return {
      dashboard: false,
      list: false,
      dependents: false,
      jobs: new Set<string>(),
      symbols: new Set<string>(),
      analyses: new Set<string>(),
    };
  }

  /** Watches query fetches; returns the unsubscribe. */
  start(): () => void {
    const unsubscribe = this.client.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || !isLiveQuery(event.query)) return;
      const { query, action } = event;
      if (action.type === 'fetch') {
        this.duringFetch.set(query.queryHash, []);
      } else if (action.type === 'success' && !action.manual) {
        const missed = this.duringFetch.get(query.queryHash);
        this.duringFetch.delete(query.queryHash);
        if (missed?.length) queueMicrotask(() => this.replay(query, missed));
      } else if (action.type === 'error') {
        this.duringFetch.delete(query.queryHash);
      }
    });
    return () => {
      unsubscribe();
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    };
  }

  private replay(query: Query, events: readonly ChangeEvent[]) {
    for (const event of events) applyChange(this.client, event, query);
  }

  handle(event: ChangeEvent): void {
    trackRun(event);
    applyChange(this.client, event);
    for (const list of this.duringFetch.values()) list.push(event);

    const stale = staleAfter(event);
    const nothing = !stale.dashboard && !stale.job && !stale.list && !stale.dependents;
    if (nothing && stale.symbols.length === 0 && stale.analysis === null) return;
    this.stale.dashboard ||= stale.dashboard;
    this.stale.list ||= stale.list;
    this.stale.dependents ||= stale.dependents;
    if (stale.analysis) this.stale.analyses.add(stale.analysis);
    if (stale.job) this.stale.jobs.add(event.job_id);
    for (const s of stale.symbols) this.stale.symbols.add(s);
    this.schedule();
  }

  /**
   * Refetches every live query that has data (after a gap the events may not cover); with
   * `includeLoading`, also restarts first fetches, whose read may predate the gap's end.
   */
  refreshAll(includeLoading = false): void {
    void this.client.invalidateQueries({
      predicate: (q) => isLiveQuery(q) && (includeLoading || q.state.data !== undefined),
    });
  }

  private schedule() {
    const now = Date.now();
    if (!this.timer) this.firstStaleAt = now;
    else clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(DEBOUNCE_MS, this.firstStaleAt + MAX_WAIT_MS - now));
    this.timer = setTimeout(() => this.flush(), wait);
  }

  private flush() {
    this.timer = null;
    const { dashboard, list, dependents, jobs, symbols, analyses } = this.stale;
    this.stale = CacheSync.nothingStale();
    const stale: QueryKey[] = [
      ...(dashboard ? [liveKeys.dashboard()] : []),
      ...(list ? [liveKeys.list()] : []),
      ...(dependents ? [liveKeys.dependents()] : []),
      ...[...jobs].map(liveKeys.job),
      ...[...symbols].map(liveKeys.data),
      ...[...analyses].map(liveKeys.analysis),
    ];
    void this.client.invalidateQueries({
      predicate: (q) => stale.some((key) => isQueryOf(q, key)),
    });
  }
}
