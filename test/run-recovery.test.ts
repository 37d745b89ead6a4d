/**
 * No run left running, with real processes on one real Redis: a final record refused because
 * Redis is full is written once memory is freed; a run whose instance was killed while every
 * other worker was busy is ended by the recovery step, once, with the reason; a live instance
 * stays in the status while Redis is full; a run-now that could not be queued leaves no record.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Job, Run } from '../src/domain/job-definition';
import { useAppCluster } from './support/app-cluster';
import { api, waitFor } from './support/http';
import { testServices } from './support/services';

const cluster = useAppCluster({
  appendonly: true,
  env: {
    PROVIDER_TIMEOUT_MS: '600000',
    RUN_ATTEMPTS: '1',
    SHUTDOWN_TIMEOUT_SECONDS: '1',
  },
});
const { start, runOf } = cluster;

function createJob(base: string, name: string, stockIds: string[]): Promise<string> {
  return cluster.createJob(base, { name, stock_ids: stockIds, schedule_time: '03:00' });
}

async function runNow(base: string, jobId: string): Promise<string> {
  const res = await api<{ run_id: string }>(base, 'POST', `/scheduler/jobs/${jobId}/run`);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body.run_id;
}

const running = (runId: string) =>
  waitFor(`run ${runId} to be running`, async () => (await runOf(runId))?.status === 'running');

const finished = (runId: string, timeoutMs = 60_000) =>
  waitFor(
    `run ${runId} to end`,
    async () => {
      const run = await runOf(runId);
      return run?.finished_at ? run : undefined;
    },
    timeoutMs,
    250,
  );

async function jobOf(base: string, jobId: string): Promise<Job> {
  return (await api<Job>(base, 'GET', `/scheduler/jobs/${jobId}`)).body;
}

// Before the cluster's own clean-up (hooks after a test run last registered first).
afterEach(async () => {
  await cluster.client.config('SET', 'maxmemory', '0');
});

/** Redis full: every write that may grow memory is refused (OOM) until maxmemory is 0 again. */
async function fillRedis(): Promise<void> {
  await cluster.client.config('SET', 'maxmemory', '1');
}

describe('Redis full at the end of a run', () => {
  it('the final record is retried until memory is freed: the run ends, the job follows', async () => {
    const app = await start('server');
    cluster.replay.setFaults('SLOWA', { latencyMs: 3000 });
    cluster.replay.setFaults('SLOWB', { latencyMs: 3000 });
    const jobId = await createJob(app.url, 'fills up', ['SLOWA', 'SLOWB']);
    const runId = await runNow(app.url, jobId);
    await running(runId);
    await fillRedis();
    await app.waitForLog(/Could not record the run's end; retrying/, 30_000);
    expect((await runOf(runId))?.status).toBe('running');
    await cluster.client.config('SET', 'maxmemory', '0');
    const run = await finished(runId, 30_000);
    expect(run.status).toBe('failed');
    // The first attempt's own end, not a second execution after memory came back.
    expect(run.resumed_at).toBeUndefined();
    expect(run.symbols.map((s) => s.error).join(' ')).toMatch(/maxmemory|OOM/i);
    expect(run.error).toBeTruthy();
    await waitFor('the job to follow', async () => {
      const job = await jobOf(app.url, jobId);
      return job.status === 'failed' && job.last_run_status === 'failed';
    });
    await waitFor('the running runs to be empty', async () => {
      return (await cluster.client.hlen('scheduler:running_runs')) === 0;
    });
  }, 90_000);
});

describe('an instance killed mid-run', () => {
  it('while every other worker is busy: the recovery step ends its run once, failed, with why', async () => {
    const server = await start('server', { MAX_CONCURRENT_RUNS: '1' });
    const other = await start('worker', { MAX_CONCURRENT_RUNS: '1' });
    cluster.replay.setFaults('BLOCK', { latencyMs: 120_000 });
    const blockers = [
      await createJob(server.url, 'blocker 1', ['BLOCK']),
      await createJob(server.url, 'blocker 2', ['BLOCK']),
    ];
    for (const id of blockers) await running(await runNow(server.url, id));
    const victim = await start('worker', { MAX_CONCURRENT_RUNS: '1' });
    cluster.replay.setFaults('VICTIM', { latencyMs: 120_000 });
    const jobId = await createJob(server.url, 'victim', ['VICTIM']);
    const runId = await runNow(server.url, jobId);
    await running(runId);
    await victim.kill();

    const run = await finished(runId, 60_000);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(
      new RegExp(
        `the instance running it \\(.+:${victim.child.pid}\\) stopped; its run was not finished`,
      ),
    );
    const job = await jobOf(server.url, jobId);
    expect(job.status).toBe('failed');
    expect(job.last_run_status).toBe('failed');
    // Once: one instance ended it, and the dashboards got one change event for it.
    const ended = [...server.logs, ...other.logs].filter((l) =>
      l.includes('Ended a run its instance left running'),
    );
    expect(ended).toHaveLength(1);
    const events = (await cluster.client.xrange('scheduler:events', '-', '+'))
      .map(([, fields]) => JSON.parse(fields[1]!) as { action: string; run?: Run })
      .filter((e) => e.run?.run_id === runId && e.action === 'finished');
    expect(events).toHaveLength(1);
    expect(events[0]!.run!.status).toBe('failed');
    const history = await api<{ runs: Run[] }>(server.url, 'GET', `/scheduler/jobs/${jobId}/runs`);
    expect(history.body.runs).toHaveLength(1);
  }, 120_000);
});

describe('heartbeats while Redis is full', () => {
  it('a live instance never leaves /scheduler/status', async () => {
    const app = await start('server');
    const pidListed = async () => {
      const status = await api<{ instances: { pid: number }[] }>(
        app.url,
        'GET',
        '/scheduler/status',
      );
      return status.body.instances.some((i) => i.pid === app.child.pid);
    };
    await waitFor('the instance listed', pidListed);
    await fillRedis();
    // Longer than an instance's TTL (10 s): a heartbeat refused for that long would drop it.
    const until = Date.now() + 14_000;
    while (Date.now() < until) {
      expect(await pidListed()).toBe(true);
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 60_000);
});

describe('a run-now whose queueing fails', () => {
  it('leaves no record behind, rather than one `queued` for ever', async () => {
    // A Redis user that may write every key but the queue's (BullMQ's, under scheduler:bull:):
    // its queueing is refused (NOPERM), its record could be written.
    await cluster.client.call(
      'ACL',
      'SETUSER',
      'noqueue',
      'on',
      '>secret',
      'resetkeys',
      '%R~*',
      '~scheduler:[^b]*',
      'allchannels',
      '+@all',
    );
    const services = testServices(`redis://noqueue:secret@127.0.0.1:${cluster.redis.port}`);
    try {
      const job = await services.registry.create({
        name: 'unqueued',
        stock_ids: ['AAPL'],
        schedule_time: '03:00',
      });
      await expect(services.scheduler.runNow(job.job_id)).rejects.toThrow();
      expect(await services.runs.list(job.job_id)).toEqual([]);
      expect(await cluster.client.keys('scheduler:run:*')).toEqual([]);
    } finally {
      await services.close();
    }
  });
});
