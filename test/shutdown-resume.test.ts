/**
 * Runs handed back at SIGTERM and resumed by another worker, with real processes: while they
 * wait their record says `queued` with no progress claimed, once resumed they keep their first
 * `started_at` and say when they resumed, and no log of either process warns of
 * MaxListenersExceeded, with several 40-symbol runs going at once.
 */
import { describe, expect, it } from 'vitest';
import { useAppCluster } from './support/app-cluster';
import { api, waitFor } from './support/http';

const cluster = useAppCluster({
  appendonly: true,
  env: {
    PROVIDER_MAX_RPS: '500',
    MAX_CONCURRENT_RUNS: '3',
    SHUTDOWN_TIMEOUT_SECONDS: '1',
  },
});
const { start, runOf } = cluster;

describe('SIGTERM hand-back and resume', () => {
  it('a resumed run keeps its first started_at, says when it resumed, and no MaxListeners warning', async () => {
    const web = await start('server', { SCHEDULER_ENABLED: 'false' });
    const leaving = await start('worker');
    // 40 symbols a job, one of them slow so the runs are still going at SIGTERM.
    const symbols = (j: number) => [
      `SLOW${j}`,
      ...Array.from({ length: 39 }, (_, i) => `S${j}X${i}`),
    ];
    const runIds: string[] = [];
    for (let j = 0; j < 3; j++) {
      cluster.replay.setFaults(`SLOW${j}`, [{ latencyMs: 8000 }]);
      const created = await api<{ job_id: string }>(web.url, 'POST', '/scheduler/jobs', {
        name: `forty ${j}`,
        stock_ids: symbols(j),
        schedule_time: '03:00',
      });
      const queued = await api<{ run_id: string }>(
        web.url,
        'POST',
        `/scheduler/jobs/${created.body.job_id}/run`,
      );
      runIds.push(queued.body.run_id);
    }
    const first = await waitFor('the runs to be running', async () => {
      const runs = await Promise.all(runIds.map(runOf));
      return runs.every((r) => r?.status === 'running') ? runs.map((r) => r!) : undefined;
    });
    expect(await leaving.stop()).toBe(0);

    // Handed back, waiting: the record says so and claims no progress.
    for (const [i, runId] of runIds.entries()) {
      const waiting = (await runOf(runId))!;
      expect(waiting.status, JSON.stringify(waiting)).toBe('queued');
      expect(waiting.progress?.done).toBe(0);
      expect(waiting.symbols).toEqual([]);
      expect(waiting.handed_back_at).toBeTruthy();
      expect(waiting.started_at).toBe(first[i]!.started_at);
    }

    const staying = await start('worker');
    for (const [i, runId] of runIds.entries()) {
      const done = await waitFor(
        `run ${runId} to finish on the other worker`,
        async () => {
          const run = await runOf(runId);
          return run?.finished_at ? run : undefined;
        },
        60_000,
      );
      expect(done.status).toBe('completed');
      expect(done.started_at).toBe(first[i]!.started_at);
      expect(Date.parse(done.resumed_at!)).toBeGreaterThan(Date.parse(done.started_at));
      expect(done.symbols).toHaveLength(40);
    }
    for (const app of [web, leaving, staying]) {
      expect(app.logs.filter((l) => /MaxListeners/.test(l))).toEqual([]);
    }
  }, 120_000);
});
