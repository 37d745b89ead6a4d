/**
 * The scheduling engine with real processes on one real Redis: exactly once across instances,
 * a killed instance, a restarted Redis, live changes, overlap and misfire.
 */
import { describe, expect, it } from 'vitest';
import type { Job, Run } from '../src/domain/job-definition';
import { useAppCluster } from './support/app-cluster';
import { api, sleep, waitFor } from './support/http';

const cluster = useAppCluster({ appendonly: true });
const { createJob, runs } = cluster;
const server = (env?: Record<string, string>) => cluster.start('server', env);
const worker = (env?: Record<string, string>) => cluster.start('worker', env);

describe('exactly once', () => {
  it('three instances, 2-second crons, 30+ fire times each: one run per fire time, none missed', async () => {
    const web = await server();
    await Promise.all([worker(), worker()]);
    const ids = await Promise.all(
      ['A', 'B', 'C'].map((n) =>
        createJob(web.url, {
          name: `every 2s ${n}`,
          stock_ids: [`${n}X`],
          schedule: { kind: 'cron', expression: '*/2 * * * * *' },
        }),
      ),
    );
    const status = await api<{ instances: unknown[] }>(web.url, 'GET', '/scheduler/status');
    expect(status.body.instances).toHaveLength(3);

    await sleep(64_000);
    for (const id of ids) await api(web.url, 'POST', `/scheduler/jobs/${id}/stop`);
    await sleep(1500);

    for (const id of ids) {
      const all = (await runs(web.url, id)).filter((r) => r.trigger === 'schedule');
      const fires = all.map((r) => Date.parse(r.scheduled_for!)).sort((a, b) => a - b);
      expect(fires.length).toBeGreaterThanOrEqual(30);
      expect(new Set(fires).size, 'duplicate runs of one fire time').toBe(fires.length);
      for (let i = 1; i < fires.length; i++)
        expect(fires[i]! - fires[i - 1]!, 'a missed fire time').toBe(2000);
      expect(
        all.every((r) => r.status === 'completed'),
        JSON.stringify(all.filter((r) => r.status !== 'completed')),
      ).toBe(true);
      const job = (await api<Job>(web.url, 'GET', `/scheduler/jobs/${id}`)).body;
      expect(job.last_run_status).toBe('completed');
      expect(job.last_run).not.toBeNull();
    }
    // Every instance did some of the work.
    const byPid = new Set(
      cluster.apps.flatMap((a) =>
        a.logs.some((l) => l.includes('Run finished')) ? [a.child.pid] : [],
      ),
    );
    expect(byPid.size).toBeGreaterThanOrEqual(2);
  }, 120_000);
});

describe('faults', () => {
  it('kill -9 of the instance running a run: it finishes elsewhere, once', async () => {
    const web = await server({ SCHEDULER_ENABLED: 'false' });
    const a = await worker();
    const b = await worker();
    cluster.replay.setFaults('SLOW', [{ latencyMs: 6000 }, { latencyMs: 3000 }]);
    const id = await createJob(web.url, {
      name: 'slow',
      stock_ids: ['SLOW', 'FAST'],
      schedule_time: '03:00',
    });
    const queued = await api<{ run_id: string }>(web.url, 'POST', `/scheduler/jobs/${id}/run`);
    expect(queued.status).toBe(202);
    const runId = queued.body.run_id;
    const holder = await waitFor('a worker to start the run', async () => {
      const info = (
        await api<{ instances: { pid: number; running_runs: number }[] }>(
          web.url,
          'GET',
          '/scheduler/status',
        )
      ).body;
      const busy = info.instances.find((i) => i.running_runs > 0);
      return busy ? [a, b].find((w) => w.child.pid === busy.pid) : undefined;
    });
    await holder.kill();
    const final = await waitFor(
      'the run to end',
      async () => {
        const run = (await runs(web.url, id)).find((r) => r.run_id === runId);
        return run && run.finished_at ? run : undefined;
      },
      40_000,
    );
    expect(['completed', 'failed']).toContain(final.status);
    if (final.status === 'failed') expect(final.error).toBeTruthy();
    const all = await runs(web.url, id);
    expect(all).toHaveLength(1);
  }, 60_000);

  it('Redis restarted under running instances: they reconnect and carry on, no job lost', async () => {
    const web = await server();
    await worker();
    const id = await createJob(web.url, {
      name: 'through a restart',
      stock_ids: ['R'],
      schedule: { kind: 'cron', expression: '* * * * * *' },
    });
    await waitFor('a first run', async () => (await runs(web.url, id)).length > 0);
    await cluster.redis.kill();
    await sleep(2000);
    await cluster.redis.start();
    const restartedAt = Date.now();
    await waitFor(
      'runs after the restart',
      async () => {
        const res = await api<{ runs: Run[] }>(web.url, 'GET', `/scheduler/jobs/${id}/runs`).catch(
          () => null,
        );
        return res?.body.runs?.some(
          (r) => r.status === 'completed' && Date.parse(r.started_at) > restartedAt,
        );
      },
      30_000,
    );
    const job = (await api<Job>(web.url, 'GET', `/scheduler/jobs/${id}`)).body;
    expect(job.name).toBe('through a restart');
    expect(JSON.parse((await cluster.client.get('scheduler:job_index')) ?? '[]')).toEqual([id]);
  }, 60_000);
});

describe('graceful shutdown', () => {
  it('SIGTERM: dispatching stops, a run past SHUTDOWN_TIMEOUT_SECONDS goes back to the queue and finishes elsewhere', async () => {
    const web = await server({ SCHEDULER_ENABLED: 'false' });
    const leaving = await worker({ SHUTDOWN_TIMEOUT_SECONDS: '1' });
    cluster.replay.setFaults('LONG', [{ latencyMs: 5000 }]);
    const id = await createJob(web.url, {
      name: 'long',
      stock_ids: ['LONG', 'SHORT'],
      schedule_time: '03:00',
    });
    const { run_id: runId } = (
      await api<{ run_id: string }>(web.url, 'POST', `/scheduler/jobs/${id}/run`)
    ).body;
    await waitFor('the run to start', async () =>
      (await runs(web.url, id)).find((r) => r.run_id === runId && r.status === 'running'),
    );
    const staying = await worker();
    const stoppedAt = Date.now();
    expect(await leaving.stop()).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(4000);
    expect(leaving.logs.some((l) => l.includes('handing running runs back to the queue'))).toBe(
      true,
    );
    const final = await waitFor(
      'the run to finish on the other worker',
      async () => {
        const run = (await runs(web.url, id)).find((r) => r.run_id === runId);
        return run?.finished_at ? run : undefined;
      },
      20_000,
    );
    expect(final.status).toBe('completed');
    expect(await runs(web.url, id)).toHaveLength(1);
    expect(staying.logs.some((l) => l.includes('Run finished') && l.includes(runId))).toBe(true);
  }, 40_000);
});

describe('live changes take effect within a second', () => {
  it('stop, start, update and delete', async () => {
    const web = await server();
    const id = await createJob(web.url, {
      name: 'live',
      stock_ids: ['L'],
      schedule: { kind: 'cron', expression: '* * * * * *' },
    });
    await waitFor('runs', async () => (await runs(web.url, id)).length >= 2);

    await api(web.url, 'POST', `/scheduler/jobs/${id}/stop`);
    const stoppedAt = Date.now();
    await sleep(2500);
    const afterStop = (await runs(web.url, id)).filter(
      (r) => Date.parse(r.scheduled_for ?? r.started_at) > stoppedAt + 1000,
    );
    expect(afterStop).toEqual([]);

    await api(web.url, 'POST', `/scheduler/jobs/${id}/start`);
    const startedAt = Date.now();
    await waitFor(
      'a run after start',
      async () => (await runs(web.url, id)).some((r) => Date.parse(r.started_at) > startedAt),
      2500,
      100,
    );

    const far = await api<{ job: Job }>(web.url, 'PUT', `/scheduler/jobs/${id}`, {
      schedule: { kind: 'cron', expression: '0 0 1 1 *' },
    });
    const updatedAt = Date.now();
    expect(far.body.job.next_run).toMatch(/-01-01T00:00:00\.000Z$/);
    await sleep(2500);
    expect(
      (await runs(web.url, id)).filter((r) => Date.parse(r.started_at) > updatedAt + 1000),
    ).toEqual([]);

    await api(web.url, 'PUT', `/scheduler/jobs/${id}`, {
      schedule: { kind: 'cron', expression: '* * * * * *' },
    });
    await sleep(1500);
    await api(web.url, 'DELETE', `/scheduler/jobs/${id}`);
    await sleep(1500);
    const left = (await cluster.client.keys('scheduler:*')).filter(
      (k) => k.includes(id) && !k.startsWith('scheduler:bull'),
    );
    expect(left).toEqual([]);
    expect(await cluster.client.zscore('scheduler:due', id)).toBeNull();
  }, 60_000);
});

describe('policies', () => {
  it('a run still going when the next fire comes is not started twice: that fire is skipped', async () => {
    const web = await server();
    cluster.replay.setFaults('SLOWER', [{ latencyMs: 3500 }]);
    const id = await createJob(web.url, {
      name: 'overlap',
      stock_ids: ['SLOWER'],
      schedule: { kind: 'cron', expression: '* * * * * *' },
    });
    await waitFor(
      'a skipped fire',
      async () => (await runs(web.url, id)).some((r) => r.status === 'skipped'),
      15_000,
    );
    await api(web.url, 'POST', `/scheduler/jobs/${id}/stop`);
    await sleep(4000);
    const all = await runs(web.url, id);
    const executed = all.filter((r) => r.status !== 'skipped');
    // No two executed runs overlap in time.
    const spans = executed
      .filter((r) => r.finished_at)
      .map((r) => [Date.parse(r.started_at), Date.parse(r.finished_at!)] as const)
      .sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++)
      expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    expect(all.find((r) => r.status === 'skipped')!.note).toMatch(/still running/);
  }, 40_000);

  it('fire times missed while every instance was down run once, late, coalesced', async () => {
    let app = await worker();
    const web = await server({ SCHEDULER_ENABLED: 'false' });
    const id = await createJob(web.url, {
      name: 'misfire',
      stock_ids: ['M'],
      schedule: { kind: 'cron', expression: '*/2 * * * * *' },
    });
    await waitFor('a first run', async () => (await runs(web.url, id)).length > 0);
    await app.stop();
    cluster.apps.splice(cluster.apps.indexOf(app), 1);
    const downAt = Date.now();
    const before = (await runs(web.url, id)).length;
    await sleep(6500);
    app = await worker();
    await waitFor(
      'the late run',
      async () => (await runs(web.url, id)).some((r) => r.late),
      10_000,
    );
    await api(web.url, 'POST', `/scheduler/jobs/${id}/stop`);
    await sleep(1000);
    const late = (await runs(web.url, id)).filter(
      (r) => Date.parse(r.scheduled_for ?? '0') > downAt && r.late,
    );
    expect(late).toHaveLength(1);
    // Down for 6.5 s with a fire every 2 s: at least 3 fire times, more if the restart was slow.
    const coalesced = Number(/coalescing (\d+) missed fire times/.exec(late[0]!.note ?? '')?.[1]);
    expect(coalesced).toBeGreaterThanOrEqual(3);
    const during = (await runs(web.url, id)).filter((r) => {
      const t = Date.parse(r.scheduled_for ?? '0');
      return t > downAt && t < downAt + 6000;
    });
    expect(during.length).toBeLessThanOrEqual(1);
    expect(before).toBeGreaterThan(0);
  }, 40_000);

  it('beyond the grace period they are recorded as missed', async () => {
    const web = await server({ SCHEDULER_ENABLED: 'false' });
    // A once-a-day cron, due 2 s from now, while no instance dispatches.
    const fire = new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000);
    const expression = `${fire.getUTCSeconds()} ${fire.getUTCMinutes()} ${fire.getUTCHours()} * * *`;
    const id = await createJob(web.url, {
      name: 'missed',
      stock_ids: ['M'],
      schedule: { kind: 'cron', expression },
    });
    await sleep(fire.getTime() - Date.now() + 2500);
    await worker({ MISFIRE_GRACE_SECONDS: '1' });
    const missed = await waitFor(
      'a missed record',
      async () => (await runs(web.url, id)).find((r) => r.status === 'missed'),
      10_000,
    );
    expect(missed.scheduled_for).toBe(fire.toISOString());
    expect(missed.note).toMatch(/misfire grace/);
    const all = await runs(web.url, id);
    expect(all).toHaveLength(1);
    const job = (await api<Job>(web.url, 'GET', `/scheduler/jobs/${id}`)).body;
    expect(Date.parse(job.next_run!) - fire.getTime()).toBe(86_400_000);
  }, 40_000);
});
