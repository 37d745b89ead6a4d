import { QueryClient } from '@tanstack/react-query';
import { getQueryKey } from '@trpc/react-query';
import { describe, expect, it, vi } from 'vitest';
import { CacheSync } from '../src/components/live/cache-sync';
import { applyChange } from '../src/components/live/live-cache';
import { isLiveQuery } from '../src/components/live/live-queries';
import type { ChangeEvent } from '../src/domain/change-events';
import { api } from '../src/trpc/react';
import type { Dashboard, Job, Run } from '../src/trpc/shapes';

/**
 * The change events are written into the queries the dashboard's hooks cached, found by the
 * keys tRPC builds for those hooks (a real QueryClient, keys as `useQuery` makes them).
 */

function job(id: string, patch: Partial<Job> = {}): Job {
  return {
    job_id: id,
    name: `Job ${id}`,
    stock_ids: ['AAPL'],
    schedule_time: '17:00',
    schedule: { kind: 'daily', times: ['17:00'], days: ['mon'] },
    timezone: 'UTC',
    lookback_days: 30,
    is_active: true,
    status: 'pending',
    created_at: '2026-11-26T18:00:00.000Z',
    updated_at: '2026-11-26T18:00:00.000Z',
    last_run: null,
    next_run: null,
    last_run_status: null,
    task: 'fetch',
    analysis: null,
    ...patch,
  };
}

function run(id: string, jobId: string): Run {
  return {
    run_id: id,
    job_id: jobId,
    trigger: 'manual',
    start: '2026-10-27',
    end: '2026-11-26',
    scheduled_for: null,
    started_at: '2026-11-26T18:00:00.000Z',
    finished_at: null,
    status: 'running',
    symbols: [],
    error: null,
  } as unknown as Run;
}

function seeded() {
  const client = new QueryClient();
  const dashboard = getQueryKey(api.scheduler.dashboard, undefined, 'query');
  const runsA = getQueryKey(api.jobs.runs, { job_id: 'a', limit: 2 }, 'query');
  const runsB = getQueryKey(api.jobs.runs, { job_id: 'b', limit: 50 }, 'query');
  const jobA = getQueryKey(api.jobs.get, { job_id: 'a' }, 'query');
  const data: Dashboard = {
    jobs: [job('a'), job('b')],
    summary: { total: 2, active: 2, completed_today: 0, failed_today: 0, running: 0 },
  } as unknown as Dashboard;
  client.setQueryData(dashboard, data);
  client.setQueryData(runsA, { runs: [run('r2', 'a'), run('r1', 'a')] });
  client.setQueryData(runsB, { runs: [run('q1', 'b')] });
  client.setQueryData(jobA, job('a'));
  return { client, dashboard, runsA, runsB, jobA };
}

describe('applyChange', () => {
  it('puts a new run on top of that job’s cached runs, within the limit its query asked for', () => {
    const { client, runsA, runsB } = seeded();
    const event: ChangeEvent = { type: 'run', action: 'queued', job_id: 'a', run: run('r3', 'a') };
    applyChange(client, event as ChangeEvent);
    const a = client.getQueryData<{ runs: Run[] }>(runsA)!.runs.map((r) => r.run_id);
    expect(a).toEqual(['r3', 'r2']);
    const b = client.getQueryData<{ runs: Run[] }>(runsB)!.runs.map((r) => r.run_id);
    expect(b).toEqual(['q1']);
  });

  it('replaces a job in the dashboard and on its page, and updates the counts', () => {
    const { client, dashboard, jobA } = seeded();
    const running = job('a', { status: 'running', name: 'Renamed' });
    applyChange(client, { type: 'job', action: 'updated', job_id: 'a', job: running });
    const data = client.getQueryData<Dashboard>(dashboard)!;
    expect(data.jobs.map((j) => j.name)).toEqual(['Renamed', 'Job b']);
    expect(data.summary.running).toBe(1);
    expect(client.getQueryData<Job>(jobA)!.name).toBe('Renamed');
  });

  it('removes a deleted job from the dashboard', () => {
    const { client, dashboard } = seeded();
    applyChange(client, { type: 'job', action: 'deleted', job_id: 'b', job: null });
    expect(client.getQueryData<Dashboard>(dashboard)!.jobs.map((j) => j.job_id)).toEqual(['a']);
  });

  it('tells the live queries from the others', () => {
    const { client } = seeded();
    client.setQueryData(getQueryKey(api.jobs.list, {}, 'query'), { jobs: [], total: 0 });
    const live = client
      .getQueryCache()
      .getAll()
      .filter(isLiveQuery)
      .map((q) => (q.queryKey[0] as string[]).join('.'));
    expect(live.sort()).toEqual(['jobs.get', 'jobs.runs', 'jobs.runs', 'scheduler.dashboard']);
  });
});

describe('CacheSync', () => {
  it('refetches a job’s stored analysis after its run finished, and who runs after whom after a job change', async () => {
    const client = new QueryClient();
    const analysisA = getQueryKey(api.jobs.analysis, { job_id: 'a' }, 'query');
    const analysisB = getQueryKey(api.jobs.analysis, { job_id: 'b' }, 'query');
    const dependentsB = getQueryKey(api.jobs.dependents, { job_id: 'b' }, 'query');
    for (const key of [analysisA, analysisB, dependentsB]) client.setQueryData(key, {});
    const state = (key: readonly unknown[]) =>
      client.getQueryCache().find({ queryKey: key })!.state;
    const sync = new CacheSync(client);
    const stop = sync.start();
    try {
      sync.handle({
        type: 'run',
        action: 'finished',
        job_id: 'a',
        run: { ...run('r1', 'a'), status: 'completed' },
      });
      await vi.waitFor(() => expect(state(analysisA).isInvalidated).toBe(true), {
        timeout: 10_000,
      });
      expect(state(analysisB).isInvalidated).toBe(false);
      expect(state(dependentsB).isInvalidated).toBe(false);

      sync.handle({ type: 'job', action: 'updated', job_id: 'c', job: job('c') });
      await vi.waitFor(() => expect(state(dependentsB).isInvalidated).toBe(true), {
        timeout: 10_000,
      });
      expect(state(analysisB).isInvalidated).toBe(false);
    } finally {
      stop();
    }
  });
});
